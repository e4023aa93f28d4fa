# Bug: no truncation, so long texts exceed max_length.
def collate_fn_untruncated(self, batch):
    texts, labels = zip(*batch)
    encoding = self.tokenizer(list(texts), padding=True, return_tensors="pt")
    return {"input_ids": encoding["input_ids"], "attention_mask": encoding["attention_mask"],
            "label_encoding": torch.tensor(labels)}

PassageDataset.collate_fn = collate_fn_untruncated
