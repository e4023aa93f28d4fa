"""Tagged plots of an executed notebook are extracted as PNG files."""
import base64

import nbformat
import pytest

from labkit.authoring.figures import tagged_images

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

PNG = b"\x89PNG\r\n\x1a\nfake image"


def cell_with_image(tags):
    cell = nbformat.v4.new_code_cell("plot()", metadata={"tags": tags})
    cell.outputs = [nbformat.v4.new_output("stream", text="log line\n"),
                    nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()})]
    return cell


def test_only_cells_tagged_figure_give_images():
    notebook = nbformat.v4.new_notebook(cells=[
        cell_with_image(["figure:heatmap"]), cell_with_image(["otter_answer_cell"]),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["figure:empty"]})])
    assert tagged_images(notebook) == {"heatmap": PNG}
