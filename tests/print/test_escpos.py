import pytest
from PIL import Image

from recall_tui.print import slip_escpos
from recall_tui.print.escpos import BAND_ROWS, receipt_image
from recall_tui.print.slip import sample_slip

from .escpos_stream import parse


@pytest.mark.parametrize("width", [384, 576])
def test_stream_is_init_raster_feed_cut(width):
    data = slip_escpos(sample_slip(), width_dots=width)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dV\x00")
    stream = parse(data)
    assert stream.commands[0] == "init"
    assert stream.commands[-2:] == ["feed", "cut"]
    assert set(stream.commands[1:-2]) == {"raster"}
    assert stream.width_bytes == width // 8
    assert all(rows <= BAND_ROWS for _, rows in stream.bands)
    assert stream.feed >= 3
    # The first header carries the width in bytes and the band's height, little-endian.
    first = data[2:10]
    assert first[:4] == b"\x1dv0\x00"
    assert int.from_bytes(first[4:6], "little") == width // 8
    assert int.from_bytes(first[6:8], "little") == stream.bands[0][1]


@pytest.mark.parametrize("width", [384, 576])
def test_raster_decodes_to_the_receipt(width):
    image = parse(slip_escpos(sample_slip(), width_dots=width)).image()
    assert image.width == width
    assert image.height > width  # a receipt is long and narrow
    assert image.tobytes() == receipt_image(sample_slip(), width).tobytes()
    dark = image.convert("L").histogram()[0] / (image.width * image.height)
    assert 0.03 < dark < 0.5, dark  # printed, not blank, not a black slab


def test_codes_on_the_receipt_scan():
    zxing = pytest.importorskip("zxingcpp")
    image = parse(slip_escpos(sample_slip(), width_dots=384)).image()
    found = {(r.format.name, r.text) for r in zxing.read_barcodes(image.convert("L"))}
    assert found == {("QRCode", "K7M2-QX4"), ("Code128", "K7M2-QX4")}


def test_vietnamese_is_drawn_not_sent_as_text():
    data = slip_escpos(sample_slip())
    assert "Nguyễn".encode() not in data and b"Nguy" not in data


def test_english_and_sparse_receipts_render():
    sparse = sample_slip("en", birth=1962, doctor_name=None, instructions=(),
                         validity_note=None, queue_number=None, bhyt_number=None)
    image = receipt_image(sparse, 576)
    assert isinstance(image, Image.Image) and image.mode == "1"
    assert image.height < receipt_image(sample_slip("en"), 576).height


def test_no_cut_when_asked():
    assert not slip_escpos(sample_slip(), cut=False).endswith(b"\x1dV\x00")


def test_width_must_be_whole_bytes():
    with pytest.raises(ValueError):
        slip_escpos(sample_slip(), width_dots=380)


def test_the_receipt_reads_its_place_lines():
    from recall_tui.print.escpos import receipt_text

    lines = receipt_text(sample_slip(), 576)
    assert "Nơi khám: Khu khám bệnh B" in lines
    assert "Vị trí: Phòng 105, tầng 1, nhà B" in lines
    assert "Nguyễn Thị Hồng" in " ".join(lines) and "12" in lines  # the queue number
