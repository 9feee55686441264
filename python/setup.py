"""Builds libcocob from the checkout this folder sits in and ships it inside
the package.

The bindings are ctypes over cocob's C API, so the library they load must be
the one whose header they were written against: the structs they mirror
change between versions. Building it here, from the same checkout, makes the
two agree by construction, where linking against whatever libcocob a system
has would not. Set COCOB_LIBRARY to a built libcocob.so to skip the build (a
developer's own build tree); the package then loads that file, and checks
its version at import.
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


class BuildWithLibrary(build_py):
    def run(self) -> None:
        super().run()
        if os.environ.get("COCOB_LIBRARY"):
            return
        if not (REPO / "CMakeLists.txt").is_file():
            raise RuntimeError(
                f"cocob's C sources are not beside {HERE}: install with "
                "`pip install ./python` from a checkout of the repository, "
                "or set COCOB_LIBRARY to a built libcocob.so")
        build = Path(self.build_lib).parent / "cocob-cmake"
        subprocess.run(["cmake", "-S", str(REPO), "-B", str(build),
                        "-DCMAKE_BUILD_TYPE=Release", "-DCOCOB_TESTS=OFF"], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "cocob_shared",
                        "-j", str(os.cpu_count() or 1)], check=True)
        # The file the soname names, so that the package holds one real file.
        target = Path(self.build_lib) / "cocob" / "libcocob.so"
        shutil.copyfile(build / "libcocob.so", target)


setup(cmdclass={"build_py": BuildWithLibrary})
