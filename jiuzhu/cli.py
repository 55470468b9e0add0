"""The `jiuzhu` command: everything a user or an operator runs.

jiuzhu demo [--households N] [--seed S] [--no-serve]   build the demo county and serve it
jiuzhu serve [--port 8000]                             run the web UI on 127.0.0.1, with a worker
jiuzhu worker [--once]                                 run the queued long jobs (imports, runs)
jiuzhu import households FILE --user NAME [--good-rows] check (and import) a household file
jiuzhu import regions FILE                             load a region tree from CSV
jiuzhu snapshot import KIND FILE --as-of YYYY-MM-DD --user NAME [--source TEXT] [--good-rows]
       [--confirm-smaller]                             check (and import) a registry snapshot
jiuzhu crosscheck run --month YYYY-MM|current --user NAME [--exact-only] [--engine spark --master URL]
                                                       run every cross-check for the month
jiuzhu payments reviews [--within-days 30]             daily: reviews coming due into the
                                                       townships' queues (cron)
jiuzhu supervision due                                 daily: overdue and near-due flags of
                                                       every open clue (cron)
jiuzhu dashboard refresh [--month YYYY-MM] [--county CODE]
                                                       precompute the dashboard's monthly
                                                       series (cron: daily)
jiuzhu audit verify                                    check the audit trail's keyed chain,
                                                       its head and every anchor file
jiuzhu audit anchor                                    write the chain's head as a signed file
                                                       into JIUZHU_AUDIT_ANCHOR_DIR
jiuzhu user add NAME --role R --region CODE            create an account (also: password,
                                                       unlock, reset-otp, list)
jiuzhu holidays seed|off|work|confirm|list|deadline …  the working-day calendar
jiuzhu backup create DIR --keys-dir KEYDIR|--no-keys  back up database, attachments, snapshots
                                                       (keys into KEYDIR, kept apart)
jiuzhu backup check|restore DIR [--keys-dir KEYDIR]    verify a backup; restore it into a new,
                                                       empty database
jiuzhu manage …                                        any Django management command
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    argv = list(sys.argv[1:] if argv is None else argv)
    from jiuzhu.core.private_files import private_umask

    private_umask()  # before the settings load: database, keys, uploads private to this user
    import django

    django.setup()
    from django.core.management import call_command, execute_from_command_line
    from django.core.management.base import CommandError

    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "manage":
        execute_from_command_line(["jiuzhu", *rest])
        return 0
    mapping = {
        "demo": "jiuzhu_demo",
        "serve": "jiuzhu_serve",
        "worker": "jiuzhu_worker",
        "import": "jiuzhu_import",
        "audit": "jiuzhu_audit",
        "user": "jiuzhu_user",
        "holidays": "jiuzhu_holidays",
        "snapshot": "jiuzhu_snapshot",
        "crosscheck": "jiuzhu_crosscheck",
        "payments": "jiuzhu_payments",
        "supervision": "jiuzhu_supervision",
        "dashboard": "jiuzhu_dashboard",
        "backup": "jiuzhu_backup",
    }
    if command not in mapping:
        print(f"未知命令：{command}\n{__doc__}", file=sys.stderr)
        return 2
    try:
        call_command(mapping[command], *rest)
    except CommandError as exc:  # a clear message, not a traceback
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
