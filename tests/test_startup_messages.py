"""Folders that do not exist yet: the security log and backups create them or say clearly why not."""
import logging

import pytest

from tracker.audit import file_handler


def test_the_security_log_folder_is_created_when_missing(tmp_path):
    path = tmp_path / "log" / "tindaklanjut" / "security.log"
    handler = file_handler(str(path))
    try:
        handler.emit(logging.makeLogRecord({"msg": '{"event": "login_failed"}'}))
    finally:
        handler.close()
    assert path.read_text(encoding="utf-8") == '{"event": "login_failed"}\n'


def test_an_unwritable_security_log_names_the_setting(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(RuntimeError, match=r"SECURITY_LOG_FILE=.*not-a-folder/security.log cannot be written"):
        file_handler(str(blocker / "security.log"))


def test_backup_into_a_missing_folder_creates_it(app, users, tmp_path):
    target = tmp_path / "backups" / "2026" / "tracker.dump"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and target.stat().st_size > 0
    assert f"Backup written to {target}" in result.output


def test_backup_where_no_folder_can_be_made_is_a_clear_message(app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(blocker / "sub" / "tracker.dump")])
    assert result.exit_code == 1
    assert "Error: cannot create the folder" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException, not a crash
