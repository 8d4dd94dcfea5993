"""The benchmark's measures measure the command, not the process that runs it."""

import sys

import run


def holding(mib: int) -> str:
    """Python code that keeps ``mib`` MiB resident for half a second."""
    return f"import time; b = bytearray({mib} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"


def test_peak_memory_is_the_commands_own_not_that_of_the_process_that_starts_it():
    # a child started by vfork inherits the peak of its parent in the peak wait4 reports;
    # a benchmark that holds the lists of a million files must not report them as kcna's
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # resident
    _, small_kib, _ = run.run_rss([sys.executable, "-c", "import time; time.sleep(0.5)"])
    _, big_kib, _ = run.run_rss([sys.executable, "-c", holding(200)])
    assert small_kib < 100 * 1024
    assert 200 * 1024 < big_kib < 300 * 1024
    del held


def test_peak_memory_sums_the_command_and_its_children():
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {holding(120)!r}])"
    _, kib, _ = run.run_rss([sys.executable, "-c", parent])
    assert 120 * 1024 < kib < 250 * 1024
