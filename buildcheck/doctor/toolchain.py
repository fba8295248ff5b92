"""The Rust toolchain as doctor reports it, from a status someone else computes.

`buildcheck.cargo.toolchain.find_toolchain` decides whether PATH's cargo is a rustup proxy and whether the
pinned toolchain and its components are installed; doctor only needs the shape below and turns it into checks.
None means the toolchain was not checked: it is reported as `unknown`.
"""

from __future__ import annotations

from typing import Literal, Protocol

from buildcheck.doctor.check import Check
from buildcheck.i18n import _


class ToolchainStatus(Protocol):
    manager: Literal["rustup", "none"] | None  # None: no cargo found
    channel: str | None
    installed: bool | None
    components: tuple[str, ...]
    missing_components: tuple[str, ...]
    cargo_path: str | None
    install_command: str | None
    dist_server: str | None                    # where rustup would download a missing toolchain from


def toolchain_checks(status: ToolchainStatus | None, needed_by: str) -> list[Check]:
    """One check for the toolchain (and one for missing components) from the status, or `unknown`."""
    if status is None:
        return [Check(name="rust-toolchain", status="unknown", needed_by=(needed_by,), found=None, install=None,
                      kind="command", detail=_("the toolchain was not checked"))]
    channel = status.channel or _("the default toolchain")
    if status.manager != "rustup":  # a system cargo, or no cargo at all
        if status.cargo_path is None:
            return [Check(name="rust-toolchain", status="missing", needed_by=(needed_by,), found=None,
                          install=status.install_command, kind="command",
                          detail=_("no cargo on PATH; install rustup to get the pinned toolchain"))]
        detail = (_("{cargo} is not a rustup proxy: it ignores rust-toolchain.toml ({channel})")
                  .format(cargo=status.cargo_path, channel=status.channel) if status.channel else None)
        return [Check(name="rust-toolchain", status="unknown" if status.channel else "ok", needed_by=(needed_by,),
                      found=status.cargo_path, install=status.install_command, kind="command", detail=detail)]
    checks: list[Check] = []
    if status.installed is False:
        checks.append(Check(name="rust-toolchain", status="missing", needed_by=(needed_by,), found=None,
                            install=status.install_command, kind="command",
                            detail=_("toolchain {channel} is not installed (cargo would download it from "
                                     "{server})").format(channel=channel, server=status.dist_server)
                            if status.dist_server else
                            _("toolchain {channel} is not installed (cargo would download it)")
                            .format(channel=channel)))
    else:
        checks.append(Check(name="rust-toolchain", status="ok" if status.installed else "unknown",
                            needed_by=(needed_by,), found=f"{channel} ({status.cargo_path or 'rustup'})",
                            install=None, kind="command"))
        if status.missing_components:
            checks.append(Check(name="rust-components", status="missing", needed_by=(needed_by,),
                                found=", ".join(c for c in status.components if c not in status.missing_components)
                                or None, install=status.install_command, kind="command",
                                detail=_("missing components: {components}").format(
                                    components=", ".join(status.missing_components))))
    return checks
