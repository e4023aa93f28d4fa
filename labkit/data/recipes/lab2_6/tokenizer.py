"""Word-level tokenizer (Hugging Face `tokenizers`), saved as JSON and loadable by transformers."""
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

UNK, PAD = "[UNK]", "[PAD]"  # ids 0 and 1; [PAD] doubles as the beginning-of-sequence token
MIN_FREQUENCY = 2


def _empty_tokenizer():
    tokenizer = Tokenizer(models.WordLevel(unk_token=UNK))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def words(text):
    """Lowercase word tokens of `text`, split exactly as the tokenizer splits them."""
    splitter = _empty_tokenizer()
    return [w for w, _ in splitter.pre_tokenizer.pre_tokenize_str(splitter.normalizer.normalize_str(text))]


def train_tokenizer(texts, min_frequency=MIN_FREQUENCY):
    """A word-level tokenizer whose vocabulary is every word seen at least `min_frequency` times in `texts`."""
    tokenizer = _empty_tokenizer()
    trainer = trainers.WordLevelTrainer(min_frequency=min_frequency, special_tokens=[UNK, PAD], show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def load_hf_tokenizer(path):
    """The saved tokenizer wrapped as a transformers PreTrainedTokenizerFast, as the labs use it."""
    from transformers import PreTrainedTokenizerFast

    hf_tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(path), unk_token=UNK, pad_token=PAD)
    hf_tokenizer.split_special_tokens = False
    return hf_tokenizer


def load_vocab(path):
    """word -> id mapping of a saved tokenizer."""
    return Tokenizer.from_file(str(path)).get_vocab()


def encode(tokens, vocab):
    """Ids of already-split lowercase word tokens; unknown words map to [UNK]."""
    unk = vocab[UNK]
    return [vocab.get(token, unk) for token in tokens]
