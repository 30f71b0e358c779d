#!/usr/bin/python3
"""Online backup and restore of itp-server's database, as an operator does it.

A real server serves the demo data while partner clients keep creating
plans; `itp-server --db=... --backup_to=...` runs as a separate process in
the middle of it. The backup is restored with `--restore_from` into a new
database file, a new server starts on it, and every plan whose CreatePlan
was acknowledged before the backup started is there, with PRAGMA
integrity_check ok. What backup and restore refuse is checked too.

Run as CTest does:

    /usr/bin/python3 tests/e2e/backup_test.py \\
        --server build/server/itp-server --proto-dir proto \\
        --work-dir build/tests/e2e-backup
"""

import importlib
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import unittest
import uuid

import grpc
from google.protobuf import json_format

import itp_e2e
from python_client_test import INDIA_STEEL_JSON

SERVER_BINARY = None
RUN_DIR = None
admin_pb2 = None
admin_pb2_grpc = None
plan_service_pb2 = None
plan_service_pb2_grpc = None

RPC_TIMEOUT_S = 10.0
WRITERS = 3
# Plans acknowledged before the backup starts, at least.
BEFORE_BACKUP = 60
# Demo plans of --demo (python_client_test checks the six).
DEMO_PLANS = 6


def _generate_stubs(proto_dir, out_dir):
    services = ["itp/v1/admin_service.proto", "itp/v1/plan_service.proto"]
    itp_e2e.generate_stubs([proto_dir], out_dir,
                           services + ["itp/v1/plan.proto"], services)
    global admin_pb2, admin_pb2_grpc, plan_service_pb2, plan_service_pb2_grpc
    admin_pb2 = importlib.import_module("itp.v1.admin_service_pb2")
    admin_pb2_grpc = importlib.import_module("itp.v1.admin_service_pb2_grpc")
    plan_service_pb2 = importlib.import_module("itp.v1.plan_service_pb2")
    plan_service_pb2_grpc = importlib.import_module(
        "itp.v1.plan_service_pb2_grpc")


def _metadata(key):
    return (("authorization", "Bearer " + key),)


class Writer(threading.Thread):
    """Creates India steel plans back to back, recording when each
    CreatePlan was acknowledged."""

    def __init__(self, address, key, number):
        super().__init__(daemon=True)
        self.channel = grpc.insecure_channel(address)
        self.stub = plan_service_pb2_grpc.PlanServiceStub(self.channel)
        self.key = key
        self.number = number
        self.stop = threading.Event()
        # (monotonic time sent, time acknowledged, plan name)
        self.acknowledged = []
        self.errors = []

    def run(self):
        i = 0
        while not self.stop.is_set():
            request = json_format.Parse(INDIA_STEEL_JSON,
                                        plan_service_pb2.CreatePlanRequest())
            request.plan_id = "steel-roadmap-w%d-%04d" % (self.number, i)
            request.request_id = str(uuid.uuid4())
            sent = time.monotonic()
            try:
                plan = self.stub.CreatePlan(request,
                                            metadata=_metadata(self.key),
                                            timeout=RPC_TIMEOUT_S)
                self.acknowledged.append((sent, time.monotonic(), plan.name))
            except grpc.RpcError as error:
                self.errors.append("%s %s" % (error.code(), error.details()))
            i += 1
        self.channel.close()


def run_itp_server(*args):
    return subprocess.run([SERVER_BINARY] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          check=False)


def list_plan_names(address, key):
    channel = grpc.insecure_channel(address)
    stub = plan_service_pb2_grpc.PlanServiceStub(channel)
    names, token = [], ""
    while True:
        page = stub.ListPlans(plan_service_pb2.ListPlansRequest(
            parent="countries/-", page_size=500, page_token=token),
            metadata=_metadata(key), timeout=RPC_TIMEOUT_S)
        names.extend(plan.name for plan in page.plans)
        token = page.next_page_token
        if not token:
            channel.close()
            return names


class BackupTest(unittest.TestCase):

    def test_a_backup_under_write_load_restores_every_acknowledged_plan(self):
        work = os.path.join(RUN_DIR, "load")
        db_path = os.path.join(work, "itp.db")
        server = itp_e2e.ServerProcess(SERVER_BINARY, db_path, work,
                                       args=["--demo"])
        port = server.wait_until_serving()
        address = "127.0.0.1:%d" % port
        admin = itp_e2e.read_admin_key(work)
        channel = grpc.insecure_channel(address)
        self.addCleanup(channel.close)
        partner = admin_pb2_grpc.AdminServiceStub(channel).CreateApiKey(
            admin_pb2.CreateApiKeyRequest(api_key=admin_pb2.ApiKey(
                display_name="Ministry of Steel, India (integration)",
                role=admin_pb2.PARTNER, countries=["IND"])),
            metadata=_metadata(admin), timeout=RPC_TIMEOUT_S).secret

        writers = [Writer(address, partner, n) for n in range(WRITERS)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while (sum(len(w.acknowledged) for w in writers) < BEFORE_BACKUP
               and time.monotonic() < deadline):
            time.sleep(0.01)
        started = time.monotonic()
        backup_path = os.path.join(RUN_DIR, "backups", "itp-2026-12-03.db")
        os.makedirs(os.path.dirname(backup_path))
        backup = run_itp_server("--db=" + db_path,
                                "--backup_to=" + backup_path)
        finished = time.monotonic()
        # The writers go on a little after the backup, then stop.
        time.sleep(0.2)
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=30)
        server.stop()

        self.assertEqual(backup.returncode, 0, backup.stderr)
        # Acknowledged before the backup started: must be in it. Sent after
        # it finished: cannot be. Others (in flight or acknowledged while it
        # ran) may or may not.
        before = {name for w in writers for _, acked, name in w.acknowledged
                  if acked < started}
        during = {name for w in writers for sent, acked, name
                  in w.acknowledged if acked >= started and sent < finished}
        after = {name for w in writers for sent, _, name in w.acknowledged
                 if sent >= finished}
        self.assertGreaterEqual(len(before), BEFORE_BACKUP)
        self.assertEqual([e for w in writers for e in w.errors], [])
        match = re.fullmatch(
            r"backed up %s to %s: (\d+) pages \((\d+\.\d) MiB\), schema "
            r"version (\d+), (\d+) plans, integrity_check ok, in (\S+)\n"
            % (re.escape(db_path), re.escape(backup_path)), backup.stdout)
        self.assertIsNotNone(match, backup.stdout)
        plans_in_backup = int(match.group(4))
        self.assertGreaterEqual(plans_in_backup, DEMO_PLANS + len(before))
        self.assertLessEqual(plans_in_backup,
                             DEMO_PLANS + len(before) + len(during))

        with sqlite3.connect(backup_path) as copy:
            self.assertEqual(copy.execute(
                "PRAGMA integrity_check").fetchone()[0], "ok")
            self.assertEqual(copy.execute(
                "SELECT count(*) FROM plans").fetchone()[0], plans_in_backup)
        self.assertFalse(os.path.exists(backup_path + "-wal"))

        # Restore into a new database file and serve it.
        restored_dir = os.path.join(RUN_DIR, "restored")
        os.makedirs(restored_dir)
        restored_db = os.path.join(restored_dir, "itp.db")
        restore = run_itp_server("--db=" + restored_db,
                                 "--restore_from=" + backup_path)
        self.assertEqual(restore.returncode, 0, restore.stderr)
        self.assertRegex(restore.stdout,
                         r"^restored %s into %s: \d+ pages .*, %d plans, "
                         r"integrity_check ok, in \S+\n$"
                         % (re.escape(backup_path), re.escape(restored_db),
                            plans_in_backup))
        restored = itp_e2e.ServerProcess(SERVER_BINARY, restored_db,
                                         restored_dir)
        restored_port = restored.wait_until_serving()
        try:
            # The keys came along: the same admin and partner keys work.
            names = set(list_plan_names("127.0.0.1:%d" % restored_port,
                                        admin))
            partner_names = list_plan_names("127.0.0.1:%d" % restored_port,
                                            partner)
        finally:
            restored.stop()
        self.assertEqual(before - names, set())
        self.assertEqual(names & after, set())
        self.assertEqual(len(names), plans_in_backup)
        self.assertIn("countries/IND/plans/steel-2070", names)
        self.assertTrue(before & set(partner_names))
        # No new admin key file: the restored database has its keys.
        self.assertFalse(os.path.exists(itp_e2e.admin_key_path(restored_dir)))
        with sqlite3.connect(restored_db) as database:
            self.assertEqual(database.execute(
                "PRAGMA integrity_check").fetchone()[0], "ok")
        print("\n  %d plans acknowledged before the backup, %d acknowledged "
              "while it ran (%.0f ms) or in flight, %d sent after; the backup "
              "holds %d plans"
              % (len(before), len(during), (finished - started) * 1000,
                 len(after), plans_in_backup))

    def test_backup_and_restore_refuse_to_overwrite_and_name_the_file(self):
        work = os.path.join(RUN_DIR, "refuse")
        db_path = os.path.join(work, "itp.db")
        server = itp_e2e.ServerProcess(SERVER_BINARY, db_path, work)
        server.wait_until_serving()
        server.stop()
        backup_path = os.path.join(work, "backup.db")
        self.assertEqual(run_itp_server("--db=" + db_path,
                                        "--backup_to=" + backup_path)
                         .returncode, 0)
        again = run_itp_server("--db=" + db_path, "--backup_to=" + backup_path)
        self.assertEqual(again.returncode, 1)
        self.assertEqual(again.stderr,
                         "itp-server: backup failed: %s exists; the backup "
                         "writes a new file only (move the old one away "
                         "first).\n" % backup_path)
        over = run_itp_server("--db=" + db_path,
                              "--restore_from=" + backup_path)
        self.assertEqual(over.returncode, 1)
        self.assertEqual(over.stderr,
                         "itp-server: restore failed: %s exists; the restore "
                         "writes a new file only (move the old one away "
                         "first).\n" % db_path)
        missing = run_itp_server("--db=" + os.path.join(work, "none.db"),
                                 "--backup_to=" + os.path.join(work, "b2.db"))
        self.assertEqual(missing.returncode, 1)
        self.assertEqual(missing.stderr,
                         "itp-server: backup failed: No database at %s.\n"
                         % os.path.join(work, "none.db"))
        both = run_itp_server("--db=" + db_path, "--backup_to=x.db",
                              "--restore_from=" + backup_path)
        self.assertEqual(both.returncode, 2)
        self.assertIn("--backup_to and --restore_from exclude each other",
                      both.stderr)
        self.assertFalse(os.path.exists(os.path.join(work, "b2.db")))


def main():
    return itp_e2e.main_with_stubs(sys.modules[__name__], "BackupTest",
                                   _generate_stubs)


if __name__ == "__main__":
    sys.exit(main())
