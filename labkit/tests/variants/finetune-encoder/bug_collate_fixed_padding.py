# Bug: every batch padded to max_length instead of to its longest text.
def collate_fn_fixed_padding(self, batch):
    texts, labels = zip(*batch)
    encoding = self.tokenizer(list(texts), padding="max_length", truncation=True, max_length=self.max_length,
                              return_tensors="pt")
    return {"input_ids": encoding["input_ids"], "attention_mask": encoding["attention_mask"],
            "label_encoding": torch.tensor(labels)}

PassageDataset.collate_fn = collate_fn_fixed_padding
