import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildcheck.errors import UsageError
from buildcheck.sizes import ByteSize, format_size, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456", 123456),
        ("123456B", 123456),
        ("10k", 10 * 1024),
        ("10K", 10 * 1024),
        ("10KiB", 10 * 1024),
        ("10kB", 10_000),
        ("10KB", 10_000),
        ("50MiB", 50 * 1024**2),
        ("50M", 50 * 1024**2),
        ("200MB", 200_000_000),
        ("1.5GiB", 3 * 1024**3 // 2),
        ("1.5GB", 1_500_000_000),
        ("2TiB", 2 * 1024**4),
        (" 64 MiB ", 64 * 1024**2),
        ("0.5K", 512),
        ("1.0001K", 1024),  # rounded down to whole bytes
    ],
)
def test_parse_size_accepts_documented_forms(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "text",
    ["lots", "", "MiB", "-5M", "0", "0MiB", "1e9", "1.5", "5 MiB per file", "10XB", "10Mx", "1" * 500,
     "99999999999999999999TiB", "10iB", "10KiBB"],
)
def test_parse_size_rejects_everything_else_as_usage_error(text):
    with pytest.raises(UsageError) as excinfo:
        parse_size(text)
    assert "invalid size" in str(excinfo.value)


def test_usage_error_message_shows_examples():
    with pytest.raises(UsageError, match="50MiB"):
        parse_size("lots")


@pytest.mark.parametrize(
    ("size", "label"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.00 KiB"), (50 * 1024**2, "50.0 MiB"),
     (int(1.21 * 1024**3), "1.21 GiB")],
)
def test_format_size(size, label):
    assert format_size(size) == label


@given(st.integers(min_value=1, max_value=2**40))
def test_plain_byte_counts_round_trip(n):
    assert parse_size(str(n)) == n


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(["K", "M", "G", "KiB", "MiB", "GiB", "KB", "MB", "GB"]))
def test_units_multiply(n, unit):
    base = 1000 if unit.endswith("B") and not unit.endswith("iB") else 1024
    power = {"K": 1, "M": 2, "G": 3}[unit[0]]
    assert parse_size(f"{n}{unit}") == n * base**power


def test_click_option_type():
    """A bad size is buildcheck's UsageError (cli.main prints it as one line, exit 2), not click's own error."""
    import click

    @click.command()
    @click.option("--max-size", type=ByteSize())
    def probe(max_size):
        click.echo(max_size)

    assert probe.main(["--max-size", "50MiB"], standalone_mode=False) is None
    with pytest.raises(UsageError, match="invalid size 'lots'"):
        probe.main(["--max-size", "lots"], standalone_mode=False)
