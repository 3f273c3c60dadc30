"""The command line's contract: help on every option, documented exit codes, no traceback on Ctrl-C."""

from __future__ import annotations

import argparse

import pytest

from creditgraph import cli
from creditgraph.cli import store as store_commands


def _parsers(p: argparse.ArgumentParser, path=("creditgraph",)):
    yield path, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


def test_every_option_and_argument_has_help():
    missing = [f"{' '.join(path)} {a.dest}" for path, p in _parsers(cli.build_parser()) for a in p._actions
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)) and not a.help]
    assert missing == []


def test_usage_errors_exit_2_and_data_errors_exit_3(tmp_path, capsys):
    with pytest.raises(SystemExit) as usage:
        cli.main(["load"])  # no paths
    assert usage.value.code == cli.EXIT_USAGE == 2
    assert cli.main(["wipe", "--data-dir", str(tmp_path)]) == cli.EXIT_ERROR == 3  # no --yes


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch, caplog, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_commands, "cmd_schema", interrupted)
    assert cli.main(["schema"]) == cli.EXIT_INTERRUPTED == 130
    assert "interrupted" in caplog.text and "Traceback" not in capsys.readouterr().err


def test_a_setting_that_does_not_hold_exits_3_naming_it_without_a_traceback(monkeypatch, tmp_path, caplog, capsys):
    monkeypatch.setenv("CREDITGRAPH_JVM_OPTIONS", "-Xss2m '-Dunclosed")
    assert cli.main(["stats", "--data-dir", str(tmp_path)]) == cli.EXIT_ERROR
    assert "invalid setting: CREDITGRAPH_JVM_OPTIONS: Value error, No closing quotation" in caplog.text
    assert "Traceback" not in capsys.readouterr().err
