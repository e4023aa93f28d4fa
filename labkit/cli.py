"""Command line of the tooling: `python -m labkit <command>` (the Makefile calls these)."""
import argparse
import sys

LABS_HELP = "lab names (default: every lab under solutions/)"


def cmd_data(args):
    from labkit.authoring.build import lab_names
    from labkit.data.pipeline import make_data

    for lab in args.labs or lab_names():
        make_data(lab, mirror=args.raw_mirror, force=args.force)


def cmd_models(args):
    from labkit.authoring.build import lab_names
    from labkit.data.pipeline import make_models

    for lab in args.labs or lab_names():
        make_models(lab, force=args.force)


def cmd_labs(args):
    from labkit.authoring.labs import print_labs

    print_labs(args.labs)


def cmd_build(args):
    from labkit.authoring.build import build

    build(args.labs, force=args.force)


def cmd_check(args):
    from labkit.grading.check import check

    return 0 if check(args.labs, jobs=args.jobs) else 1


def cmd_grade_one(args):
    from labkit.grading.submission import grade_submission, print_scores

    print_scores(grade_submission(args.autograder, args.submission, args.outdir))


def cmd_bench(args):
    from labkit.grading.bench import bench

    bench(args.labs, runs=args.runs)


def cmd_figures(args):
    from labkit.authoring.build import lab_names
    from labkit.authoring.figures import render_figures

    for lab in args.labs or lab_names():
        for path in render_figures(lab):
            print(f"{lab}: {path}")


def cmd_student_repo(args):
    from labkit.authoring.publish import export_student_repo

    print(f"{args.lab}: student repository -> {export_student_repo(args.lab)}")


def cmd_grade(args):
    from labkit.grading.batch import grade_folder

    print(f"gradebook: {grade_folder(args.lab, args.submissions, args.out, args.workers)}")


def cmd_answers(args):
    from labkit.grading.batch import answers

    print(f"answers: {answers(args.lab, args.submissions, args.out, args.anonymise) / 'index.html'}")


def cmd_grade_bench(args):
    from labkit.grading.batch import benchmark

    benchmark(args.lab, args.count, args.workers)


def cmd_similarity(args):
    from labkit.grading.similarity import compare_folder

    print(f"similarity: {compare_folder(args.lab, args.submissions, args.out, args.anonymise)[0]}")


def cmd_similarity_bench(args):
    from labkit.grading.disguise import benchmark

    benchmark(args.lab, args.count)


def add_similarity_commands(sub):
    """Code shared between submissions (labkit.grading.similarity) and its benchmark (labkit.grading.disguise)."""
    similarity = sub.add_parser("similarity", help="pairs of submissions ranked by shared code, per question "
                                                   "and overall (<out>/similarity.html)")
    similarity.add_argument("lab", help="lab name, e.g. lab2-6")
    similarity.add_argument("submissions", help="folder of submissions (.ipynb or grader.export zips)")
    similarity.add_argument("--out", default=None, help="results folder (default: <submissions>/graded)")
    similarity.add_argument("--anonymise", action="store_true", help="label submissions 001, 002, ... (key in a CSV)")
    similarity.set_defaults(run=cmd_similarity)
    bench = sub.add_parser("similarity-bench", help="time `similarity` on generated submissions of a lab")
    bench.add_argument("lab", help="lab name, e.g. lab2-6")
    bench.add_argument("--count", type=int, default=400, help="number of submissions")
    bench.set_defaults(run=cmd_similarity_bench)


def add_grade_commands(sub):
    """Batch grading without Docker (labkit.grading.batch)."""
    grade = sub.add_parser("grade", help="grade every .ipynb/.zip in a folder into a gradebook CSV")
    grade.add_argument("lab", help="lab name, e.g. lab2-6")
    grade.add_argument("submissions", help="folder of submissions (.ipynb or grader.export zips)")
    grade.add_argument("--out", default=None, help="results folder (default: <submissions>/graded)")
    grade.add_argument("--workers", type=int, default=2, help="submissions graded in parallel")
    grade.set_defaults(run=cmd_grade)
    answers = sub.add_parser("answers", help="grade a folder, then one HTML page per written question and a "
                                             "CSV to fill in their scores (<out>/answers/)")
    answers.add_argument("lab", help="lab name, e.g. lab2-6")
    answers.add_argument("submissions", help="folder of submissions (.ipynb or grader.export zips)")
    answers.add_argument("--out", default=None, help="results folder (default: <submissions>/graded)")
    answers.add_argument("--anonymise", action="store_true", help="label submissions 001, 002, ... (key in a CSV)")
    answers.set_defaults(run=cmd_answers)
    bench = sub.add_parser("grade-bench", help="submissions per minute when grading copies of the solution")
    bench.add_argument("lab", help="lab name, e.g. lab2-6")
    bench.add_argument("--count", type=int, default=6, help="number of submissions")
    bench.add_argument("--workers", type=int, default=2, help="submissions graded in parallel")
    bench.set_defaults(run=cmd_grade_bench)


def add_lab_commands(sub):
    """Subcommands that build, check, grade and time the labs (labkit.authoring.build, labkit.grading.check,
    .submission, .bench)."""
    build = sub.add_parser("build", help="master notebooks -> labs/, tests/, dist/ (skips labs up to date)")
    build.add_argument("labs", nargs="*", help=LABS_HELP)
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    build.set_defaults(run=cmd_build)
    check = sub.add_parser("check", help="grade solution and blank notebooks, scan for leaks, check freshness")
    check.add_argument("labs", nargs="*", help=LABS_HELP)
    check.add_argument("--jobs", type=int, default=1, help="labs checked in parallel")
    check.set_defaults(run=cmd_check)
    grade = sub.add_parser("grade-one", help="grade one notebook with an autograder zip (as Gradescope runs it)")
    grade.add_argument("autograder", help="autograder zip, e.g. dist/lab2-6/lab2-6-autograder.zip")
    grade.add_argument("submission", help="notebook (.ipynb) or submission zip")
    grade.add_argument("--outdir", default="build/grade-one", help="where results.json is written")
    grade.set_defaults(run=cmd_grade_one)
    bench = sub.add_parser("bench", help="median time to run each solution notebook and to grade it")
    bench.add_argument("labs", nargs="*", help=LABS_HELP)
    bench.add_argument("--runs", type=int, default=3, help="runs per measurement")
    bench.set_defaults(run=cmd_bench)
    figures = sub.add_parser("figures", help="run each solution notebook, save its tagged plots in build/<lab>/figures")
    figures.add_argument("labs", nargs="*", help=LABS_HELP)
    figures.set_defaults(run=cmd_figures)
    student = sub.add_parser("student-repo", help="a lab's public repository in dist/student/<lab> (leak-scanned)")
    student.add_argument("lab", help="lab name, e.g. lab2-6")
    student.set_defaults(run=cmd_student_repo)


def parser():
    p = argparse.ArgumentParser(prog="python -m labkit", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="each lab recipe's data stage: raw texts -> data/build/<lab>/")
    data.add_argument("labs", nargs="*", help=LABS_HELP)
    data.add_argument("--raw-mirror", default=None, help="folder holding the raw texts (no download)")
    data.add_argument("--force", action="store_true", help="rebuild even when up to date")
    data.set_defaults(run=cmd_data)
    models = sub.add_parser("models", help="each lab recipe's model stage: train models, print their reports")
    models.add_argument("labs", nargs="*", help=LABS_HELP)
    models.add_argument("--force", action="store_true", help="retrain even when up to date")
    models.set_defaults(run=cmd_models)
    labs = sub.add_parser("labs", help="every lab: questions, points, artifacts and whether they are fresh")
    labs.add_argument("labs", nargs="*", help=LABS_HELP)
    labs.set_defaults(run=cmd_labs)
    add_lab_commands(sub)
    add_grade_commands(sub)
    add_similarity_commands(sub)
    return p


def main(argv=None):
    from labkit.data.raw import RawTextUnavailable

    args = parser().parse_args(argv)
    try:
        status = args.run(args)
    except (RawTextUnavailable, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return status or 0
