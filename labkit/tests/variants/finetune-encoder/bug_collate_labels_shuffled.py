# Bug: the labels are sorted on their own, apart from their texts.
def collate_fn_sorted_labels(self, batch):
    texts = [text for text, _ in batch]
    labels = sorted(label for _, label in batch)
    encoding = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
    return {"input_ids": encoding["input_ids"], "attention_mask": encoding["attention_mask"],
            "label_encoding": torch.tensor(labels)}

PassageDataset.collate_fn = collate_fn_sorted_labels
