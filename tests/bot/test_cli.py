from __future__ import annotations

import pytest

from bot.cli import COMMANDS, main


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_command_help_shows_its_options(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "--force" in capsys.readouterr().out


def test_unknown_command_is_an_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fly"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
