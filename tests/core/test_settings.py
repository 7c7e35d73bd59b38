import os
import subprocess
import sys


def _check_deploy(extra_env):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,  # a loaded CI machine: a migrate alone took over 120 s once
    )


def test_production_check_deploy_is_silent(tmp_path):
    out = _check_deploy(
        {
            "FAZHI_ENV": "production",
            "FAZHI_SECRET_KEY": "x" * 30 + "Yz-9_q" * 10,
            "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn",
            "FAZHI_VAR_DIR": str(tmp_path),
        }
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    out = _check_deploy(
        {"FAZHI_ENV": "production", "FAZHI_ALLOWED_HOSTS": "x", "FAZHI_VAR_DIR": str(tmp_path)}
    )
    assert out.returncode != 0 and "FAZHI_SECRET_KEY" in out.stderr


def test_bad_boolean_is_a_loud_error(tmp_path):
    out = _check_deploy({"FAZHI_DEBUG": "maybe", "FAZHI_VAR_DIR": str(tmp_path)})
    assert out.returncode != 0 and "FAZHI_DEBUG" in out.stderr
