"""`make figures`: run each solution notebook and save its tagged plots as PNG files for review.

A code cell of the master tagged `figure:<name>` has the image it shows saved as build/<lab>/figures/<name>.png.
"""
import base64

from labkit import REPO_ROOT
from labkit.authoring.build import build_lab, execute_notebook, solution_notebook

TAG = "figure:"


def tagged_images(notebook):
    """{name: PNG bytes} of the first image output of every cell tagged `figure:<name>`."""
    images = {}
    for cell in notebook.cells:
        names = [t[len(TAG):] for t in cell.metadata.get("tags", []) if t.startswith(TAG)]
        pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if names and pngs:
            images[names[0]] = base64.b64decode(pngs[0])
    return images


def render_figures(lab, root=REPO_ROOT):
    """Execute the solution notebook of `lab` in its folder and write its tagged figures; return their paths."""
    build_lab(lab, root)
    notebook = execute_notebook(solution_notebook(lab, root))
    folder = root / "build" / lab / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in tagged_images(notebook).items():
        written.append(folder / f"{name}.png")
        written[-1].write_bytes(png)
    return written
