import numpy as np
import pytest

from gansampler._data_files import DataFileError, read_table, write_blocks


def write_table(path, X, names, decimals=None):
    write_blocks(path, [X], X.shape, X.dtype, names, decimals)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_csv_with_a_header(tmp_path):
    path = write(tmp_path, "a.csv", "x,y\n1,2.5\n\n3,-4e2\n")
    X, names, named = read_table(path)
    np.testing.assert_array_equal(X, [[1, 2.5], [3, -400]])
    assert names == ["x", "y"] and named


def test_csv_without_a_header_names_columns_by_position(tmp_path):
    path = write(tmp_path, "a.csv", "1,2\n3,4\n")
    X, names, named = read_table(path, ["1"])
    np.testing.assert_array_equal(X, [[2], [4]])
    assert names == ["1"] and not named


def test_tab_separated_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_bytes("\ufeffa\tb\n1\t2\n".encode())
    X, names, _ = read_table(str(path), ["b"])
    assert names == ["b"] and X.tolist() == [[2.0]]


def test_columns_are_read_in_the_order_asked(tmp_path):
    path = write(tmp_path, "a.csv", "a,b,c\n1,2,3\n")
    X, names, _ = read_table(path, ["c", "a"])
    assert names == ["c", "a"] and X.tolist() == [[3.0, 1.0]]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("a,b\n", "no data rows"),
        ("a,b\n1,2\n3\n", "line 3: 1 fields where the header has 2"),
        ("a,b\n1,2\n3,NA\n", "line 3: column 'b' is missing"),
        ("a,b\n1,nan\n", "line 2: column 'b' is missing"),
        ("a,b\n1,inf\n", "line 2: column 'b' is infinite"),
        ("a,b\n1,two\n", r"line 2: column 'b' is not numeric \('two'\)"),
    ],
    ids=["empty", "header-only", "ragged", "na", "nan", "inf", "word"],
)
def test_csv_errors_name_the_line_and_the_column(tmp_path, text, message):
    with pytest.raises(DataFileError, match=message):
        read_table(write(tmp_path, "a.csv", text))


def test_a_missing_value_in_a_column_not_read_is_fine(tmp_path):
    path = write(tmp_path, "a.csv", "a,b\n1,\n2,\n")
    X, _, _ = read_table(path, ["a"])
    assert X.tolist() == [[1.0], [2.0]]


def test_npy_arrays(tmp_path):
    np.save(tmp_path / "v.npy", np.arange(4))
    X, names, named = read_table(str(tmp_path / "v.npy"))
    assert X.shape == (4, 1) and names == ["0"] and not named
    bad = np.array([[1.0, np.nan]])
    np.save(tmp_path / "bad.npy", bad)
    with pytest.raises(DataFileError, match="row 1: column '1' is missing"):
        read_table(str(tmp_path / "bad.npy"))
    np.save(tmp_path / "text.npy", np.array(["a", "b"]))
    with pytest.raises(DataFileError, match="expected a numeric array"):
        read_table(str(tmp_path / "text.npy"))


def test_binary_junk_is_not_a_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataFileError, match="not a UTF-8 text file"):
        read_table(str(path))


def test_parquet_round_trip(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = str(tmp_path / "a.parquet")
    write_table(path, np.array([[1.5, 2.0]]), ["a", "b"])
    X, names, named = read_table(path)
    assert X.tolist() == [[1.5, 2.0]] and names == ["a", "b"] and named
    pd.DataFrame({"a": [1.0], "city": ["Paris"]}).to_parquet(path)
    with pytest.raises(DataFileError, match="column 'city' is not numeric"):
        read_table(path)


def test_written_csv_keeps_the_precision_of_the_data(tmp_path):
    path = str(tmp_path / "out.csv")
    X = np.array([[1.25, 3.0, 0.1 + 0.2], [2.5, 4.0, 1 / 3]])
    write_table(path, X, ["a", "b", "c"], decimals=[2, 0, None])
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines == ["a,b,c", "1.25,3,0.30000000000000004", "2.50,4,0.3333333333333333"]
    back, _, _ = read_table(path)
    np.testing.assert_array_equal(back, X)


def test_float32_is_written_with_the_digits_it_has(tmp_path, capsys):
    write_table(None, np.array([[0.1]], dtype=np.float32), ["x"])
    assert capsys.readouterr().out == "x\n0.100000001\n"


def test_semicolons_and_decimal_commas(tmp_path):
    path = write(tmp_path, "a.csv", "x;y\n1,5;2\n-0,25;3\n")
    X, names, _ = read_table(path)
    assert names == ["x", "y"] and X.tolist() == [[1.5, 2.0], [-0.25, 3.0]]


def test_a_header_of_numbers_when_told(tmp_path):
    path = write(tmp_path, "a.csv", "0,1\n5,6\n")
    X, names, named = read_table(path, header=True)
    assert names == ["0", "1"] and named and X.tolist() == [[5.0, 6.0]]
    X, _, named = read_table(path, header=False)
    assert len(X) == 2 and not named
