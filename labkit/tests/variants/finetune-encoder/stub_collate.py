# Stub: a batch of the right keys, types and shapes that ignores the texts and labels.
def stub_collate_fn(self, batch):
    size = len(batch)
    return {"input_ids": torch.zeros(size, 8, dtype=torch.long), "attention_mask": torch.ones(size, 8, dtype=torch.long),
            "label_encoding": torch.zeros(size, dtype=torch.long)}

PassageDataset.collate_fn = stub_collate_fn
