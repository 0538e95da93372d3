import itertools
import string

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gansampler import RowReservoir
from gansampler._data_files import (
    MISSING_MARKERS,
    ColumnsError,
    DataFileError,
    MixedTableError,
    check_writable,
    read_table,
    write_blocks,
)


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
    write_table(None, np.array([[0.1], [1 / 3], [3e-8]], dtype=np.float32), ["x"])
    assert capsys.readouterr().out == "x\n0.1\n0.33333334\n3e-08\n"


def test_arrow_float32_is_written_with_the_digits_it_has(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    x = np.array([0.1, 1 / 3, np.nan], dtype=np.float32)
    frame = pd.DataFrame({"x": x, "y": ["a", "b", "c"]})
    frame = frame.astype({"x": "float[pyarrow]"})
    path = tmp_path / "out.csv"
    write_blocks(path, [frame], frame.shape, np.float64, ["x", "y"])
    assert path.read_text().splitlines() == ["x,y", "0.1,a", "0.33333334,b", ",c"]


def test_semicolons_and_decimal_commas(tmp_path):
    path = write(tmp_path, "a.csv", "x;y\n1,5;2\n-0,25;3\n")
    X, names, _ = read_table(path)
    assert names == ["x", "y"] and X.tolist() == [[1.5, 2.0], [-0.25, 3.0]]


@pytest.mark.parametrize(
    "text, names, rows",
    [
        ("0,004;2,211\n1,5;-0,3\n", ["0", "1"], [[0.004, 2.211], [1.5, -0.3]]),
        ("price, EUR;weight\n1,5;2\n3;4,25\n", ["price, EUR", "weight"],
         [[1.5, 2.0], [3.0, 4.25]]),
        ("\n\na,b\n1,2\n\n3,4\n", ["a", "b"], [[1.0, 2.0], [3.0, 4.0]]),
        ("a;b\n1,5E-3;2,5\n", ["a", "b"], [[0.0015, 2.5]]),
    ],
    ids=["decimal-commas-no-header", "comma-in-a-name", "blank-lines-first",
         "exponent"],
)  # fmt: skip
def test_the_delimiter_and_the_header_are_found(tmp_path, text, names, rows):
    X, found, _ = read_table(write(tmp_path, "a.csv", text))
    assert found == names and X.tolist() == rows


@pytest.mark.parametrize(
    "text",
    ["height\trooms\n170.5\t3\n180.0\t4\n", "height,rooms\n170.5,3\n180.0,4\n",
     "height;rooms\n170,5;3\n180,0;4\n"],
    ids=["tabs", "commas", "semicolons"],
)  # fmt: skip
def test_a_txt_file_is_read_with_the_delimiter_it_holds(tmp_path, text):
    X, names, _ = read_table(write(tmp_path, "a.txt", text))
    assert names == ["height", "rooms"] and X.tolist() == [[170.5, 3.0], [180.0, 4.0]]


def test_a_txt_file_with_a_quoted_cell_over_two_lines_is_read_by_its_tabs(tmp_path):
    pytest.importorskip("pandas")
    rows = "".join(f"a{i}\tx\t{i}\n" for i in range(18))
    text = "name\tnotes\th\n" + rows + 'b\t"line one\nline two"\t5\nc\td\t6\n'
    X, names, _ = read_table(write(tmp_path, "a.txt", text), mixed=True)
    assert (
        names == ["name", "notes", "h"] and X["notes"].iloc[18] == "line one\nline two"
    )


def test_a_txt_file_whose_header_ends_with_a_tab_is_read_by_its_tabs(tmp_path):
    # Read by its tabs, as a .tsv file, it has a third column without a name
    # (read by commas, it was one column, 'a\tb\t').
    path = write(tmp_path, "a.txt", "a\tb\t\n1\t2\n3\t4\n")
    with pytest.raises(DataFileError, match="column 3 of the header has no name"):
        read_table(path)


def test_a_comma_txt_file_with_tabs_in_its_text_stays_read_by_commas(tmp_path):
    pytest.importorskip("pandas")
    text = "".join(f"item {i}\tok,{i}.5\n" for i in range(30))
    X, _, _ = read_table(write(tmp_path, "a.txt", text), mixed=True, header=False)
    assert X.iloc[0].tolist() == ["item 0\tok", 0.5]


def test_a_tab_txt_file_with_a_comma_in_each_rows_text_is_read_by_its_tabs(tmp_path):
    # Both split every line in two: the tabs' fields hold the numbers.
    pytest.importorskip("pandas")
    text = "".join(f"Smith{i}, John\t{i}\n" for i in range(30))
    X, _, _ = read_table(write(tmp_path, "a.txt", text), mixed=True, header=False)
    assert X.iloc[0].tolist() == ["Smith0, John", 0]


def test_a_txt_file_whose_first_line_is_long_is_read_by_its_tabs(tmp_path):
    n = 20_000  # a first line of more than the 64 KiB looked at first
    names = "\t".join(f"col{j}" for j in range(n))
    rows = "\n".join(
        "\t".join(f"{(i * j) % 97}.25" for j in range(n)) for i in range(3)
    )
    X, names, _ = read_table(write(tmp_path, "a.txt", names + "\n" + rows + "\n"))
    assert X.shape == (3, n) and names[-1] == f"col{n - 1}"


def test_a_txt_file_whose_start_holds_no_whole_record_by_commas(tmp_path):
    pytest.importorskip("pandas")
    text = 'note,"quoted\tn\n' + "".join(f"t{i}\t{i}\n" for i in range(10_000))
    X, names, _ = read_table(write(tmp_path, "a.txt", text), mixed=True)
    assert X.shape == (10_000, 2) and names == ['note,"quoted', "n"]


def test_a_txt_file_of_text_with_commas_is_read_by_its_tabs(tmp_path):
    pytest.importorskip("pandas")
    text = "town\trooms\nSaint-Etienne, Loire\t3\nLyon\t4\n"
    X, names, _ = read_table(write(tmp_path, "a.txt", text), mixed=True)
    assert names == ["town", "rooms"]
    assert X["town"].tolist() == ["Saint-Etienne, Loire", "Lyon"]


def test_commas_inside_text_keep_semicolons_the_delimiter(tmp_path):
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", "name;height\nDoe, Jane;1,72\nRoe, Ann;1,65\n")
    X, names, _ = read_table(path, mixed=True)
    assert names == ["name", "height"] and X["height"].tolist() == [1.72, 1.65]
    with pytest.raises(DataFileError, match="line 3: 2 fields where the header has 3"):
        read_table(write(tmp_path, "b.csv", "a;b;c\n1,5;2;3\n1,5;2\n"))


def test_semicolons_inside_text_keep_commas_the_delimiter(tmp_path):
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", 'name,notes\nbob,"a;b"\nann,c;d\n')
    X, names, _ = read_table(path, mixed=True)
    assert names == ["name", "notes"] and X["notes"].tolist() == ["a;b", "c;d"]


def test_a_header_whose_names_hold_commas_keeps_semicolons_the_delimiter(tmp_path):
    # Both split every line alike ("Nom, prenom;Ville;Age" and its rows):
    # commas made two columns of three.
    pytest.importorskip("pandas")
    rows = "".join(f"Dupont, Jean;Lyon;{20 + i}\n" for i in range(5))
    X, names, _ = read_table(write(tmp_path, "a.csv", "Nom, prenom;Ville;Age\n" + rows),
                             mixed=True)  # fmt: skip
    assert names == ["Nom, prenom", "Ville", "Age"] and X["Age"].tolist()[0] == 20


def test_a_header_whose_names_hold_semicolons_keeps_commas_the_delimiter(tmp_path):
    # 1,2 below it looked like a decimal comma: the file was refused, with
    # "1 fields where the header has 2".
    X, names, _ = read_table(write(tmp_path, "a.csv", "dose (mg;kg),w\n1,2\n3,4\n"))
    assert names == ["dose (mg;kg)", "w"] and X.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("mixed", [False, True])
def test_a_quote_never_closed_names_its_line(tmp_path, mixed):
    # The rest of the file was read as one cell: 21 rows of 200 were fitted.
    lines = [f"{20 + i % 40},{'Paris' if i != 20 else chr(34) + 'Lyon'}"
             for i in range(200)]  # fmt: skip
    path = write(tmp_path, "a.csv", "age,city\n" + "\n".join(lines) + "\n")
    with pytest.raises(
        DataFileError, match="line 22: a quoted field of the row that starts there"
    ):
        read_table(path, mixed=mixed, columns=None if mixed else ["age"])
    # Closed on a later line, it is a cell of two lines, as CSV has them.
    path = write(tmp_path, "b.csv", 'age,city\n20,"Ly\non"\n30,Nice\n')
    X, _, _ = read_table(path, mixed=True)
    assert X["city"].tolist() == ["Ly\non", "Nice"]


def test_a_column_named_twice_is_refused_when_columns_name_it(tmp_path):
    path = write(tmp_path, "a.csv", "a,b,a\n1,2,3\n4,5,6\n")
    with pytest.raises(ColumnsError, match="column 'a' appears twice in the header"):
        read_table(path, columns=["a", "b"])


def test_a_few_cells_that_are_no_dates_are_named(tmp_path):
    pytest.importorskip("pandas")
    days = "".join(f"2024-01-{1 + i % 28:02d}\n" for i in range(30))
    path = write(tmp_path, "a.csv", "day\n" + days + "2024-02-30\n")
    with pytest.warns(UserWarning, match=r"1 of its 31 filled cells are not dates "
                      r"\(the first: '2024-02-30'\)"):  # fmt: skip
        read_table(path, mixed=True)


def test_a_field_beyond_the_csv_limit_names_the_file(tmp_path):
    path = write(tmp_path, "a.csv", "a,b\n1," + "x" * 200_000 + "\n")
    with pytest.raises(DataFileError, match=r"a\.csv: not a table of rows"):
        read_table(path, mixed=True)


def test_files_without_rows_say_so(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    np.save(tmp_path / "a.npy", np.zeros((0, 2)))
    pd.DataFrame({"t": pd.Series([], dtype=object)}).to_parquet(tmp_path / "a.parquet")
    for name in ("a.npy", "a.parquet"):
        for mixed in (False, True):
            if name == "a.parquet" and not mixed:
                continue  # a text column: read as a mixed table
            with pytest.raises(DataFileError, match=f"{name}: no data rows"):
                read_table(str(tmp_path / name), mixed=mixed,
                           reservoir=RowReservoir(10))  # fmt: skip


def test_parquet_columns_named_twice_are_refused_as_in_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table([pa.array([1.0]), pa.array([2.0])], names=["a", "a"])
    pq.write_table(table, tmp_path / "a.parquet")
    with pytest.raises(DataFileError, match="column 'a' appears twice"):
        read_table(str(tmp_path / "a.parquet"), mixed=True)


def test_a_header_of_numbers_when_told(tmp_path):
    path = write(tmp_path, "a.csv", "0,1\n5,6\n")
    X, names, named = read_table(path, header=True)
    assert names == ["0", "1"] and named and X.tolist() == [[5.0, 6.0]]
    X, _, named = read_table(path, header=False)
    assert len(X) == 2 and not named


@pytest.mark.parametrize(
    "text, mixed",
    [("a,b\n1,2\n3,NA\n", True), ("a,b\n1,two\n", True), ("a,b\n1,inf\n", False)],
    ids=["missing", "word", "inf"],
)
def test_text_and_missing_cells_make_a_mixed_table(tmp_path, text, mixed):
    with pytest.raises(DataFileError) as error:
        read_table(write(tmp_path, "a.csv", text))
    assert isinstance(error.value, MixedTableError) == mixed


@pytest.mark.parametrize(
    "name, text",
    [
        ("a.csv", "height,zip\n170.5,007\n160.0,012\n"),
        ("a.tsv", "height\tzip\n170.5\t007\n160.0\t012\n"),
        ("a.csv", "height;zip\n170,5;007\n160,0;012\n"),
    ],
    ids=["comma", "tab", "semicolon"],
)
def test_codes_with_leading_zeros_make_a_mixed_table(tmp_path, name, text):
    path = write(tmp_path, name, text)
    with pytest.raises(MixedTableError, match=r"column 'zip' holds a code with "
                       r"leading zeros \('007'\)"):  # fmt: skip
        read_table(path)
    pytest.importorskip("pandas")
    X, _, _ = read_table(path, mixed=True)
    assert X["zip"].tolist() == ["007", "012"] and X["height"].tolist() == [170.5, 160]


def test_numbers_that_start_with_a_zero_stay_numbers(tmp_path):
    path = write(tmp_path, "a.csv", "x,y\n0.5,0\n-0.25,00.5\n0,-0\n0e3,+0.0\n")
    X, _, _ = read_table(path)
    assert X.tolist() == [[0.5, 0.0], [-0.25, 0.5], [0.0, 0.0], [0.0, 0.0]]


def test_a_mixed_csv_types_each_column(tmp_path):
    pd = pytest.importorskip("pandas")
    # pandas 3 reads times in their own unit and text as its str dtype.
    new = int(pd.__version__.split(".")[0]) >= 3
    day, text = ("datetime64[us]", "str") if new else ("datetime64[ns]", "object")
    path = write(
        tmp_path, "a.csv",
        "x,n,k,ok,day,city,code\n"
        "1.5,3,4,True,2024-01-02,Paris,007\n"
        ",null,5,FALSE,,NA,12\n"
        "2.25,5,6,,2024-01-05 12:30,n/a,x\n",
    )  # fmt: skip
    X, names, named = read_table(path, mixed=True)
    assert names == ["x", "n", "k", "ok", "day", "city", "code"] and named
    assert [str(d) for d in X.dtypes] == [
        "float64", "Int64", "int64", "boolean", day, text, text
    ]  # fmt: skip
    assert X["x"].isna().tolist() == [False, True, False]
    assert X["n"].isna().tolist() == [False, True, False]
    assert X["ok"].tolist()[:2] == [True, False] and X["ok"].isna()[2]
    assert X["city"].isna().tolist() == [False, True, True]
    assert X["code"].tolist() == ["007", "12", "x"]
    # Codes with leading zeros stay text.
    codes = write(tmp_path, "b.csv", "zip,n\n01234,1\n75001,2\n")
    X, _, _ = read_table(codes, mixed=True)
    assert X["zip"].tolist() == ["01234", "75001"] and X["n"].dtype == np.int64
    # Columns of text stay text, whatever their cells.
    X, _, _ = read_table(path, ["k", "code"], mixed=True, text_columns={0})
    assert X["k"].tolist() == ["4", "5", "6"]


def test_a_mixed_csv_with_decimal_commas_and_no_header(tmp_path):
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", "a;1\nb;\na;-0,25\n")
    X, names, named = read_table(path, mixed=True, header=False)
    assert names == ["0", "1"] and not named
    np.testing.assert_array_equal(X["1"], [1.0, np.nan, -0.25])
    with pytest.raises(DataFileError, match="line 2: 1 fields where the first"):
        read_table(write(tmp_path, "b.csv", "a,1\nb\n"), mixed=True, header=False)
    with pytest.raises(DataFileError, match="column 'b' holds infinite values"):
        read_table(write(tmp_path, "c.csv", "a,b\nx,inf\n"), mixed=True)


def test_a_mixed_reservoir_keeps_the_rows_that_numbers_would(tmp_path, monkeypatch):
    """A large table with text is sampled a block at a time, as one of
    numbers is: the same rows, for the same seed."""
    pytest.importorskip("pandas")
    monkeypatch.setattr("gansampler._data_files._BLOCK_ROWS", 256)
    path = tmp_path / "a.csv"
    path.write_text("n,t\n" + "".join(f"{i},{'xyz'[i % 3]}\n" for i in range(5_000)))
    numbers = RowReservoir(300, random_state=0)
    kept, _, _ = read_table(str(path), ["n"], reservoir=numbers)
    reservoir = RowReservoir(300, random_state=0)
    X, _, _ = read_table(str(path), reservoir=reservoir, mixed=True)
    assert reservoir.n_rows == 5_000 and len(X) == 300
    # In the order of the file, each row with its own cells.
    assert X["n"].tolist() == sorted(kept[:, 0].astype(int).tolist())
    assert X["t"].tolist() == ["xyz"[i % 3] for i in X["n"]]


def test_mixed_npy_and_parquet(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    X = np.arange(12.0).reshape(6, 2)
    X[2, 1] = np.nan
    np.save(tmp_path / "a.npy", X)
    with pytest.raises(MixedTableError, match="row 3: column '1' is missing"):
        read_table(str(tmp_path / "a.npy"))
    frame, names, _ = read_table(str(tmp_path / "a.npy"), mixed=True)
    assert names == ["0", "1"] and frame["1"].isna().sum() == 1
    table = pd.DataFrame({"a": [1.5, None, 3.0], "city": ["Paris", None, "Lyon"]})
    table.to_parquet(tmp_path / "a.parquet")
    with pytest.raises(MixedTableError, match="column 'city' is not numeric"):
        read_table(str(tmp_path / "a.parquet"))
    frame, names, named = read_table(str(tmp_path / "a.parquet"), ["city"], mixed=True)
    assert names == ["city"] and named
    assert frame["city"].tolist()[::2] == ["Paris", "Lyon"]


def test_frames_are_written_with_their_precision_and_gaps(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({
        "x": [1.25, np.nan], "n": pd.array([3, None], dtype="Int64"),
        "city": ["Paris, France", None], "ok": [True, False],
    })  # fmt: skip
    write_blocks(None, [frame, frame], (4, 4), np.float64, list(frame.columns),
                 [2, 0, None, None])  # fmt: skip
    assert capsys.readouterr().out.splitlines() == [
        "x,n,city,ok", '1.25,3,"Paris, France",True', ",,,False",
        '1.25,3,"Paris, France",True', ",,,False",
    ]  # fmt: skip
    path = str(tmp_path / "a.parquet")
    write_blocks(path, [frame, frame], (4, 4), np.float64, ["a", "b", "c", "d"])
    back = pd.read_parquet(path)
    assert list(back.columns) == ["a", "b", "c", "d"] and len(back) == 4
    assert [str(d) for d in back.dtypes] == [str(d) for d in frame.dtypes]
    numbers = frame[["x", "n"]]
    write_blocks(str(tmp_path / "a.npy"), [numbers], (2, 2), np.float64, ["x", "n"])
    np.testing.assert_array_equal(
        np.load(tmp_path / "a.npy"), [[1.25, 3], [np.nan] * 2]
    )


def test_numbers_with_grouped_thousands_are_numbers(tmp_path):
    # Read as text, each amount was a level: every sample a training value.
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", 'amount,note\n"1,234.5",x\n12,y\n"-99,036",\n')
    X, _, _ = read_table(path, mixed=True)
    np.testing.assert_array_equal(X["amount"], [1234.5, 12.0, -99036.0])
    path = write(tmp_path, "b.csv", "price;n\n1.234,56;3\n999,99;\n1.000;1\n")
    # Beside grouped numbers, 1.000 is a thousand, not one: said so.
    with pytest.warns(UserWarning, match=r"so 1\.000 is read as 1000, not as a dec"):
        X, _, _ = read_table(path, mixed=True)
    np.testing.assert_array_equal(X["price"], [1234.56, 999.99, 1000.0])
    # Groups of other than three digits, a first group of 0 (a decimal comma
    # in a quoted cell), or text beside them, stay text.
    for cells in (['"1,23"', '"4,567"'], ['"1,234"', "abc"], ['"0,500"', '"1,250"']):
        text = "v,w\n" + "".join(f"{cell},1\n" for cell in cells)
        X, _, _ = read_table(write(tmp_path, "c.csv", text), mixed=True)
        assert X["v"].dtype.kind not in "if"


def test_dots_beside_decimal_commas_group_thousands_and_alone_are_said(tmp_path):
    # Beside decimal commas in its column, 1.500 is a thousand five hundred
    # (it read 1.5: the fast reading of numbers took it as a decimal).
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", "a;b\n1.500;12,5\n2,5;7,1\n23.400;3\n640;3,3\n")
    with pytest.raises(MixedTableError, match=r"'1\.500', a decimal or a thousand"):
        read_table(path)
    with pytest.warns(UserWarning, match=r"so 1\.500 is read as 1500"):
        X, _, _ = read_table(path, mixed=True)
    np.testing.assert_array_equal(X["a"], [1500.0, 2.5, 23400.0, 640.0])
    # Alone (no decimal comma in its column), it is 1.5, and said so.
    path = write(tmp_path, "b.csv", "n;b\n1.500;12,5\n850;7,1\n23.400;3\n")
    with pytest.warns(UserWarning, match=r"\(1\.500\), in a file of decimal commas"):
        X, _, _ = read_table(path, mixed=True)
    np.testing.assert_array_equal(X["n"], [1.5, 850.0, 23.4])
    # Decimals of other lengths are decimals, with no word.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X, _, _ = read_table(write(tmp_path, "c.csv", "n;b\n1.5;1\n2.25;3\n"))
    np.testing.assert_array_equal(X, [[1.5, 1.0], [2.25, 3.0]])


def test_a_line_of_delimiters_is_a_row_of_missing_values(tmp_path):
    # As pandas writes a row of NaN (and sample a row of missing values); a
    # blank line, or one of spaces, is still no row.
    pytest.importorskip("pandas")
    path = write(tmp_path, "a.csv", "x,y\n1.5,2\n,\n2.5,3\n\n  \n,\n")
    with pytest.raises(MixedTableError, match=r"line 3: column 'x' is missing"):
        read_table(path)
    with pytest.warns(UserWarning, match=r"2 of its rows have no value in any column"):
        X, _, _ = read_table(path, mixed=True)
    assert len(X) == 4
    assert X["x"].isna().tolist() == [False, True, False, True]
    assert X["y"].isna().tolist() == [False, True, False, True]
    # A file of one column writes a missing value as "" (csv, pandas).
    X, _, _ = read_table(write(tmp_path, "b.csv", 'x\n1.5\n""\n2.5\n\n'), mixed=True)
    assert X["x"].isna().tolist() == [False, True, False]
    # Without a header, a first line of delimiters is a row too; before a
    # header, a spreadsheet's empty row, skipped.
    path = write(tmp_path, "c.csv", ",\n1,2\n")
    with pytest.warns(UserWarning, match="no value in any column"):
        X, _, _ = read_table(path, header=False, mixed=True)
    assert len(X) == 2
    X, names, _ = read_table(write(tmp_path, "d.csv", ",\nx,y\n1,2\n"), mixed=True)
    assert names == ["x", "y"] and len(X) == 1


def test_decimal_commas_in_a_tab_file_are_read_where_a_cell_needs_them(tmp_path):
    pytest.importorskip("pandas")
    text = "a\tb\tc\n12,5\t1,500\t1,500\n3,25\t7\t0,5\n1.234,5\t3,250\t2\n"
    X, _, _ = read_table(write(tmp_path, "a.tsv", text), mixed=True)
    np.testing.assert_array_equal(X["a"], [12.5, 3.25, 1234.5])
    np.testing.assert_array_equal(X["b"], [1500, 7, 3250])  # grouped thousands
    np.testing.assert_array_equal(X["c"], [1.5, 0.5, 2.0])  # beside 0,5
    # Beside a decimal comma, 1,500 is one and a half: said so.
    path = write(tmp_path, "n.tsv", "12,5\t3\n1,500\t4\n2,25\t5\n")
    with pytest.warns(UserWarning, match=r"12,5\), so 1,500 is read as 1\.5,"):
        X, names, _ = read_table(path, mixed=True)
    # Its first line of decimal commas is data, not a header.
    assert names == ["0", "1"]
    np.testing.assert_array_equal(X["0"], [12.5, 1.5, 2.25])
    # In a file of commas, a quoted 12,5 stays text.
    X, _, _ = read_table(write(tmp_path, "b.csv", 'a,b\n"12,5",1\n"3,25",2\n'),
                         mixed=True)  # fmt: skip
    assert list(X["a"]) == ["12,5", "3,25"]


def test_a_column_of_numbers_with_a_bad_cell_names_it(tmp_path):
    # One typo makes the column text, learned as categories: say which cell.
    pytest.importorskip("pandas")
    cells = [f"{k}.5" for k in range(30)]
    cells[7] = "1.2.3"
    path = write(tmp_path, "a.csv", "a,b\n" + "".join(f"{c},x\n" for c in cells))
    with pytest.warns(UserWarning, match=r"column 'a' is read as text, so learned as "
                      r"categories: 1 of its 30 filled cells are not numbers \(the "
                      r"first: '1\.2\.3'\)\. Correct those cells"):  # fmt: skip
        X, _, _ = read_table(path, mixed=True)
    assert X["a"].iloc[7] == "1.2.3"
    # Numbers written with grouped thousands or decimal commas, too.
    for name, text in (("g.csv", '"1,234.5",x\n'), ("g.tsv", "0,5\tx\n")):
        sep = "\t" if name.endswith("tsv") else ","
        bad = '"1,2,3"' if sep == "," else "1,2,3"
        lines = [text] * 20 + [f"{bad}{sep}x\n"]
        with pytest.warns(UserWarning, match=r"1 of its 21 filled cells are not"):
            read_table(write(tmp_path, name, f"a{sep}b\n" + "".join(lines)),
                       mixed=True)  # fmt: skip
    # Text that is mostly words, or numbers in a file of decimal commas, is
    # not said to be numbers.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_table(write(tmp_path, "b.csv", "a,b\n1,x\nred,y\nblue,x\n"), mixed=True)
        read_table(write(tmp_path, "c.csv", "a;b\n1,5;x\n2,5;y\n"), mixed=True)


def test_a_first_line_of_words_and_numbers_is_a_header_with_a_warning(tmp_path):
    path = write(tmp_path, "a.csv", "1,a\n2,b\n3,a\n")
    with pytest.warns(UserWarning, match="but also the number 1: if that line"):
        X, names, named = read_table(path, mixed=True)
    assert names == ["1", "a"] and named and len(X) == 2
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_table(path, mixed=True, header=True)
        read_table(write(tmp_path, "b.csv", "x,a\n2,b\n"), mixed=True)
        read_table(write(tmp_path, "c.csv", "a,nan,inf\n2,3,4\n"), mixed=True)


def test_a_place_that_cannot_take_a_file_is_refused_before_any_work(tmp_path):
    with pytest.raises(DataFileError, match="an empty name"):
        check_writable("")
    with pytest.raises(DataFileError, match="/dev/null: not a regular file"):
        check_writable("/dev/null")
    dangling = tmp_path / "m.safetensors"
    dangling.symlink_to(tmp_path / "missing" / "m.safetensors")
    with pytest.raises(DataFileError, match=r"a link to .*missing.* does not exist"):
        check_writable(str(dangling))
    # A link into a folder that exists is a place to write.
    dangling.unlink()
    dangling.symlink_to(tmp_path / "new.safetensors")
    check_writable(str(dangling))
    (tmp_path / "a.csv").write_text("x\n")
    with pytest.raises(DataFileError, match=r"'.*a.csv' is a file, not a folder"):
        check_writable(str(tmp_path / "a.csv" / "out.csv"))
    with pytest.raises(DataFileError, match="-: give the name of a data file"):
        read_table("-")


def test_local_times_across_a_change_of_summer_time_are_read_in_utc(tmp_path):
    pd = pytest.importorskip("pandas")
    times = pd.date_range("2021-03-27", periods=4, freq="12h", tz="Europe/Paris")
    text = "x,when\n" + "".join(f"{k},{t}\n" for k, t in enumerate(times))
    assert "+01:00" in text and "+02:00" in text
    X, _, _ = read_table(write(tmp_path, "paris.csv", text), mixed=True)
    assert str(X["when"].dtype).endswith("UTC]")
    assert (X["when"] == times.tz_convert("UTC")).all()
    broken = text.replace("+01:00\n", "\n", 1)
    with pytest.raises(
        DataFileError, match="dates with a UTC offset and dates without"
    ):
        read_table(write(tmp_path, "broken.csv", broken), mixed=True)


_LABELS = {
    "int": st.integers(-(2**40), 2**40),
    "bool": st.booleans(),
    # Text that reads as a missing value (NA, null) is read as one, by design.
    "text": st.text(string.ascii_letters, min_size=1, max_size=6).filter(
        lambda text: text.lower() not in MISSING_MARKERS
    ),
}


@given(data=st.data(), kind=st.sampled_from(sorted(_LABELS)),
       suffix=st.sampled_from([".csv", ".npy", ".parquet"]))  # fmt: skip
def test_rows_and_their_classes_read_back_as_written(tmp_path_factory, data, kind,
                                                     suffix):  # fmt: skip
    """Blocks of rows paired with class labels, however they are split,
    read back as one table whose last column holds the labels."""
    pytest.importorskip("pyarrow")
    assume(suffix != ".npy" or kind != "text")  # .npy holds numbers
    n_rows = data.draw(st.integers(0, 30))
    X = data.draw(hnp.arrays(np.float64, (n_rows, 2),
                             elements=st.floats(-1e6, 1e6, width=32)))  # fmt: skip
    labels = np.array(data.draw(st.lists(_LABELS[kind], min_size=n_rows,
                                         max_size=n_rows)))  # fmt: skip
    if kind == "text":
        labels = labels.astype(object)
    cuts = sorted(data.draw(st.lists(st.integers(0, n_rows), max_size=3)))
    bounds = [0, *cuts, n_rows]
    blocks = [(X[a:b], labels[a:b]) for a, b in itertools.pairwise(bounds)]
    path = str(tmp_path_factory.mktemp("classes") / f"rows{suffix}")
    write_blocks(path, blocks, (n_rows, 3), np.float64, ["a", "b", "kind"])
    if suffix == ".npy":
        back = np.load(path)
        np.testing.assert_array_equal(back, np.column_stack([X, labels]))
        return
    if not n_rows:
        return  # a header, or an empty table, holds no rows to compare
    frame, names, _ = read_table(path, mixed=True)
    assert names == ["a", "b", "kind"]
    np.testing.assert_array_equal(frame[["a", "b"]].to_numpy(dtype=float), X)
    assert frame["kind"].tolist() == labels.tolist()
