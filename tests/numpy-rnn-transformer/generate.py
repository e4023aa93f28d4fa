from otter.test_files import test_case

OK_FORMAT = False

name = "generate"
points = None

@test_case(points=0, hidden=False)
def test_generate_basics(generate_with_transformer, transformer_model_weights):
    assert callable(generate_with_transformer), 'generate_with_transformer is not defined: run its cell'
    text = generate_with_transformer('ROMEO:\n', transformer_model_weights, max_len=4, greedy=True)
    assert isinstance(text, str) and text.startswith('ROMEO:\n'), f'the generated text should be a string that starts with the prefix, not {text!r}'
    again = generate_with_transformer('ROMEO:\n', transformer_model_weights, max_len=4, greedy=True)
    assert again == text, 'greedy generation should always give the same text'

