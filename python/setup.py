"""Records where gridgym's Node package is, so the installed client finds it (python/ sits inside it)."""
import os

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithLocation(build_py):
    """Writes gridgym/_location.py with the checkout this package is installed from."""

    def run(self):
        super().run()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        target = os.path.join(self.build_lib, "gridgym", "_location.py")
        with open(target, "w", encoding="utf-8") as f:
            f.write('"""Written at install time: the gridgym checkout this client was installed from."""\n')
            f.write(f"SOURCE_ROOT = {root!r}\n")


setup(cmdclass={"build_py": BuildWithLocation})
