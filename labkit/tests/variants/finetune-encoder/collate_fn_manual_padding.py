# Correct: tokenize each text alone (truncated), then pad the batch by hand with the tokenizer's [PAD] id.
def collate_fn_manual_padding(self, batch):
    encoded = [self.tokenizer(text, truncation=True, max_length=self.max_length)["input_ids"] for text, _ in batch]
    longest = max(len(ids) for ids in encoded)
    input_ids = torch.full((len(batch), longest), self.tokenizer.pad_token_id)
    attention_mask = torch.zeros(len(batch), longest, dtype=torch.long)
    for row, ids in enumerate(encoded):
        input_ids[row, :len(ids)] = torch.tensor(ids)
        attention_mask[row, :len(ids)] = 1
    labels = torch.tensor([label for _, label in batch])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "label_encoding": labels}

PassageDataset.collate_fn = collate_fn_manual_padding
