"""Command line of the tooling: `python -m labkit <command>` (the Makefile calls these)."""
import argparse
import sys


def cmd_data(args):
    from labkit.prepare import prepare_data

    prepare_data(mirror=args.raw_mirror, force=args.force)


def cmd_models(args):
    from labkit.train import make_models

    make_models(force=args.force)


def cmd_build(args):
    from labkit.build import build

    build(args.labs, force=args.force)


def cmd_check(args):
    from labkit.check import check

    return 0 if check(args.labs) else 1


def cmd_grade_one(args):
    from labkit.grading import grade_submission, print_scores

    print_scores(grade_submission(args.autograder, args.submission, args.outdir))


def cmd_bench(args):
    from labkit.bench import bench

    bench(args.labs, runs=args.runs)


def add_lab_commands(sub):
    """Subcommands that build, check, grade and time the labs (labkit.build, .check, .grading, .bench)."""
    build = sub.add_parser("build", help="master notebooks -> labs/, tests/, dist/ (skips labs up to date)")
    build.add_argument("labs", nargs="*", help="lab names (default: every lab under solutions/)")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    build.set_defaults(run=cmd_build)
    check = sub.add_parser("check", help="grade solution and blank notebooks, scan for leaks, check freshness")
    check.add_argument("labs", nargs="*", help="lab names (default: every lab under solutions/)")
    check.set_defaults(run=cmd_check)
    grade = sub.add_parser("grade-one", help="grade one notebook with an autograder zip (otter run)")
    grade.add_argument("autograder", help="autograder zip, e.g. dist/lab2-6/lab2-6-autograder.zip")
    grade.add_argument("submission", help="notebook (.ipynb) or submission zip")
    grade.add_argument("--outdir", default="build/grade-one", help="where results.json is written")
    grade.set_defaults(run=cmd_grade_one)
    bench = sub.add_parser("bench", help="median time to run each solution notebook and to grade it")
    bench.add_argument("labs", nargs="*", help="lab names (default: every lab under solutions/)")
    bench.add_argument("--runs", type=int, default=3, help="runs per measurement")
    bench.set_defaults(run=cmd_bench)


def parser():
    p = argparse.ArgumentParser(prog="python -m labkit", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="raw text -> processed dataset and tokenizer (data/build)")
    data.add_argument("--raw-mirror", default=None, help="folder holding the raw texts (no download)")
    data.add_argument("--force", action="store_true", help="rebuild even when up to date")
    data.set_defaults(run=cmd_data)
    models = sub.add_parser("models", help="train the four language models and print their evaluation")
    models.add_argument("--force", action="store_true", help="retrain even when up to date")
    models.set_defaults(run=cmd_models)
    add_lab_commands(sub)
    return p


def main(argv=None):
    from labkit.raw import RawTextUnavailable

    args = parser().parse_args(argv)
    try:
        status = args.run(args)
    except (RawTextUnavailable, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return status or 0
