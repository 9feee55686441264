import subprocess
import sys

import cocob


def test_devices_lists_ref_and_marks_autos_choice():
    found = cocob.devices()
    assert any(d["selector"] == "ref" for d in found)
    chosen = [d for d in found if d["auto"]]
    assert len(chosen) == 1 and chosen[0]["why"]


def test_context_opens_the_device_asked_for():
    ctx = cocob.Context("ref")
    assert ctx.device["selector"] == "ref"


def test_an_unknown_device_raises_with_the_list_of_devices():
    try:
        cocob.Context("no-such-device-anywhere")
    except cocob.CocobError as e:
        assert e.status == "COCOB_ERR_NO_DEVICE"
        assert "no-such-device-anywhere" in str(e) and "ref" in str(e)
    else:
        raise AssertionError("an unknown device was accepted")


def test_python_m_cocob_devices_mirrors_the_cli():
    out = subprocess.run([sys.executable, "-m", "cocob", "devices"], capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("ref ") and "auto picks " in out
    bad = subprocess.run([sys.executable, "-m", "cocob", "nonsense"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "usage:" in bad.stderr
