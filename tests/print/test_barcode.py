import pytest

from recall_tui.print.barcode import _C128, code128_modules, code128_values, qr_matrix, runs


def test_code128_table_is_well_formed():
    assert len(_C128) == 107 and len(set(_C128)) == 107
    assert all(len(p) == 6 and sum(map(int, p)) == 11 for p in _C128)
    assert _C128[104] == "211214"  # START B


def test_code128_check_value():
    # START B (104) + 1*'P'(48) + 2*'J'(42) + 3*'J'(42) + 4*'1'(17) + 5*'2'(18) + 6*'3'(19)
    # + 7*'C'(35) = 879 = 8*103 + 55.
    assert code128_values("PJJ123C") == [104, 48, 42, 42, 17, 18, 19, 35, 55, 106]


def test_code128_modules_shape():
    mods = code128_modules("K7M2-QX4")
    assert len(mods) == 11 * (1 + 8 + 1) + 13  # start, data, check, stop + final bar
    assert mods[0] and mods[-1]
    with pytest.raises(ValueError):
        code128_modules("Hồng")


def test_qr_is_a_full_qr_code_never_micro():
    matrix = qr_matrix("K7M2-QX4")
    assert len(matrix) >= 21 and all(len(row) == len(matrix) for row in matrix)


def test_runs():
    assert runs([True, True, False, True, False, False, True]) == [(0, 2), (3, 1), (6, 1)]
