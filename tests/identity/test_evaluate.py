"""`kezek identity evaluate` on the shipped photos: distributions, error rates, timings."""

import shutil

from click.testing import CliRunner

from kezek.cli import main

from .conftest import FACES


def evaluate(*args: str) -> str:
    result = CliRunner().invoke(main, ["identity", "evaluate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_evaluate_separates_the_shipped_people_without_errors():
    output = evaluate(str(FACES))
    assert "images: 7 (3 people), embedded: 7, errors: 0" in output
    assert "threshold: 0.60" in output
    assert "genuine  pairs:  10" in output
    assert "impostor pairs:  11" in output
    assert "false non-match rate (FNMR): 0.000 (0/10)" in output
    assert "false match rate (FMR): 0.000 (0/11)" in output
    assert "obama/obama2.jpg: " in output
    assert "median: " in output


def test_evaluate_lists_photos_it_cannot_use_as_errors(tmp_path):
    for person, name in [("obama", "obama.jpg"), ("obama", "obama2.jpg"), ("biden", "biden.jpg")]:
        (tmp_path / person).mkdir(exist_ok=True)
        shutil.copy(FACES / person / name, tmp_path / person / name)
    (tmp_path / "pair").mkdir()
    shutil.copy(FACES / "two_people.jpg", tmp_path / "pair" / "two_people.jpg")
    output = evaluate(str(tmp_path), "--threshold", "0.3")
    assert "errors: 1" in output
    assert "error: pair/two_people.jpg: several_faces" in output
    assert "threshold: 0.30" in output
    assert "false non-match rate (FNMR): 1.000 (1/1)" in output
