import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matnlp.extractors.quantities import bounded, parse_number, parse_quantities, parse_unit


def one(text):
    qs = parse_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start : q.end] == text.strip()
    return q


@pytest.mark.parametrize(
    "text, value, unit, kind",
    [
        ("700 °C", 700, "°C", "temperature"),
        ("700°C", 700, "°C", "temperature"),
        ("973 K", 973, "K", "temperature"),
        ("1175 degC", 1175, "°C", "temperature"),
        ("800 ℃", 800, "°C", "temperature"),
        ("10−3 S cm−1", 1e-3, "S cm-1", "conductivity"),
        ("2.1 × 10−3 S/cm", 2.1e-3, "S cm-1", "conductivity"),
        ("2×10⁻³ S cm⁻¹", 2e-3, "S cm-1", "conductivity"),
        ("5 mW cm−2", 5, "mW cm-2", "power_density"),
        ("5 mW cm^-2", 5, "mW cm-2", "power_density"),
        ("10 mA/cm2", 10, "mA cm-2", "current_density"),
        ("1600 cm-1", 1600, "cm-1", "wavenumber"),
        ("5 °C/min", 5, "°C min-1", "heating_rate"),
        ("5 °C min−1", 5, "°C min-1", "heating_rate"),
        ("5 °C per minute", 5, "°C min-1", "heating_rate"),
        ("12 h", 12, "h", "time"),
        ("30 min", 30, "min", "time"),
        ("3 days", 3, "d", "time"),
        ("200 MPa", 200, "MPa", "pressure"),
        ("10−2 Torr", 1e-2, "Torr", "pressure"),
        ("10-5 Torr", 1e-5, "Torr", "pressure"),
        ("2 × 105 Pa", 2e5, "Pa", "pressure"),
        ("160 mAh g-1", 160, "mAh g-1", "specific_capacity"),
        ("25 m2 g-1", 25, "m2 g-1", "surface_area"),
        ("1,000 rpm", 1000, "rpm", "frequency"),
        ("5 wt.%", 5, "wt%", "fraction"),
        ("10 wt %", 10, "wt%", "fraction"),
        ("1 M", 1, "M", "concentration"),
        # PDF texts of MuLMS: superscript minus signs lost, catalyst mass in the unit, ohm spelled out
        ("164 m2 g 1", 164, "m2 g-1", "surface_area"),
        ("32 m2 gPt 1", 32, "m2 g-1", "surface_area"),
        ("12 cm2 V 1 s 1", 12, "cm2 V-1 s-1", "mobility"),
        ("35 mOhm cm2", 35, "mΩ cm2", None),
        ("0.05 nm/ps", 0.05, "nm ps-1", None),
    ],
)
def test_value_and_unit(text, value, unit, kind):
    q = one(text)
    assert math.isclose(q.value, value, rel_tol=1e-9)
    assert (q.unit, q.kind) == (unit, kind)


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("700–900 °C", 700, 900, "°C"),
        ("700-900°C", 700, 900, "°C"),
        ("700 to 900 °C", 700, 900, "°C"),
        ("700 °C–900 °C", 700, 900, "°C"),
        ("between 700 and 900 °C", 700, 900, "°C"),
        ("10-20 min", 10, 20, "min"),
        ("960-970 degC", 960, 970, "°C"),
        ("4–6×10 10 cm −2 eV −1", 4e10, 6e10, "cm-2 eV-1"),  # the power of ten scales both ends
        ("7–10×10 20 cm −3", 7e20, 1e21, "cm-3"),
        ("2×10^3–5×10^4 Pa", 2e3, 5e4, "Pa"),
    ],
)
def test_ranges(text, low, high, unit):
    q = parse_quantities(text)[-1]
    assert (q.low, q.high, q.unit) == (low, high, unit) and math.isclose(q.value, (low + high) / 2)
    assert text.endswith(text[q.start : q.end])


def test_error():
    q = one("1.2 ± 0.1 eV")
    assert (q.value, q.error, q.unit, q.kind) == (1.2, 0.1, "eV", "energy")
    assert q.to("meV").value == 1200 and q.to("meV").error == 100


def test_conversions():
    assert parse_number("700 °C").to("K").value == 973.15
    assert parse_number("300 K").to("°C").value == pytest.approx(26.85)
    assert parse_number("12 h").to("min").value == 720
    assert parse_number("1 atm").to("Torr").value == pytest.approx(760)
    assert parse_number("2 bar").si().value == 2e5
    si = parse_number("10−3 S cm−1").si()
    assert (si.value, si.unit) == (0.1, "S m-1")
    rate = parse_number("5 °C/min").si()  # a temperature difference per time: no offset
    assert (rate.value, rate.unit) == (pytest.approx(5 / 60), "K s-1")
    assert parse_number("5 mW cm−2").to("W/m2").value == 50
    rng = parse_number("700–900 °C").to("K")
    assert (rng.low, rng.high) == (973.15, 1173.15)
    with pytest.raises(ValueError):
        parse_number("12 h").to("K")
    with pytest.raises(ValueError):
        parse_number("3 widgets").to("K")


def test_units():
    assert parse_unit("mW cm^-2").text == "mW cm-2"
    assert parse_unit("S/cm").kind == "conductivity"
    assert parse_unit("°C/min").text == "°C min-1"
    unknown = parse_unit("furlongs")
    assert not unknown.known and unknown.text == "furlongs"


def test_hard_cases():
    # formulas and hydrates are not quantities
    assert [q.value for q in parse_quantities("0.5 K2CO3 and (NH4)2SO4 and MgCl2·6H2O")] == [0.5]
    assert parse_quantities("0.5 K2CO3")[0].unit is None
    # lists share the unit of the last member; "from X to Y" is not a range when it descends
    qs = parse_quantities("dried at 80, 100 and 120 °C for 2 h in air")
    assert [(q.value, q.unit) for q in qs] == [(80, "°C"), (100, "°C"), (120, "°C"), (2, "h")]
    assert [(q.value, q.unit) for q in parse_quantities("cooled from 900 to 25 °C")] == [(900, "°C"), (25, "°C")]
    # "3 x 100 mL" is not 3 × 10^0
    assert [(q.value, q.unit) for q in parse_quantities("washed 3 x 100 mL")] == [(3, None), (100, "mL")]
    # words after a unit do not join it
    assert [q.unit for q in parse_quantities("12 h in air at 600 rpm")] == ["h", "rpm"]
    assert parse_quantities("pH 11.5")[0].unit is None
    assert parse_quantities("heated overnight") == []


QUANTITY_CHARS = list("0123456789 .,-−–×x^⁻¹²³°CKhminSc/%±toandbetweenμMPa\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(QUANTITY_CHARS), max_size=60))
def test_never_crashes_and_spans_slice(text):
    for q in parse_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end].strip() == text[q.start : q.end]
        assert not math.isnan(q.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode(text):
    for q in parse_quantities(text):
        assert 0 <= q.start < q.end <= len(text)


# ----------------------------------------------------------------------------- issue 16: units on real text


def _snippet(path, anchor, before=0, after=0):
    text = path.read_text(encoding="utf-8")
    i = text.index(anchor)
    return text[max(0, i - before) : i + len(anchor) + after]


@pytest.fixture(scope="module")
def general_abstracts_text(data):
    lines = (data / "nerre_general_mof" / "general_materials_information_annotations.jsonl").read_text(
        encoding="utf-8").splitlines()
    return "\n".join(json.loads(line)["prompt"] for line in lines)


@pytest.mark.parametrize(
    ("path", "anchor", "span", "unit", "kind"),
    [
        # Seebeck coefficient with µ (U+03BC) and a middle dot, and a range written "from ∼30 to ∼300"
        ("sofc_exp_texts/texts/PMC5706185.txt", "from ∼30 to ∼300 μV·K−1", "30 to ∼300 μV·K−1", "µV K-1",
         "seebeck_coefficient"),
        # cm2/Vs: the denominator is one group
        ("mulms/texts/oastm_09.txt", "0.066cm2/Vs", "0.066cm2/Vs", "cm2 V-1 s-1", "mobility"),
        # PDF text: U+25E6 for the degree sign, "(cid:0)" for the minus of an exponent
        ("mulms/texts/pemfc_13.txt", "100 mS cm(cid:0) 1", "100 mS cm(cid:0) 1", "mS cm-1", "conductivity"),
    ],
)
def test_real_units(data, path, anchor, span, unit, kind):
    text = _snippet(data / path, anchor)
    (q,) = [q for q in parse_quantities(text) if q.unit is not None]
    assert (text[q.start : q.end], q.unit, q.kind) == (span, unit, kind)


@pytest.mark.parametrize(
    ("anchor", "span", "unit", "kind"),
    [
        ("0.3-0.5 W/mK", "0.3-0.5 W/mK", "W m-1 K-1", "thermal_conductivity"),  # W/mK is not watts
        ("at 2C rate", "2C rate", "C-rate", "c_rate"),  # a C-rate after a discharge capacity
    ],
)
def test_real_units_in_abstracts(general_abstracts_text, anchor, span, unit, kind):
    i = general_abstracts_text.index(anchor)
    text = general_abstracts_text[max(0, i - 120) : i + len(anchor)]
    q = parse_quantities(text)[-1]
    assert (text[q.start : q.end], q.unit, q.kind) == (span, unit, kind)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("230 µV/K", "µV K-1"), ("230 μV/K", "µV K-1"), ("1.5 W/(m K)", "W m-1 K-1"), ("1.5 W/(m·K)", "W m-1 K-1"),
        ("1.5 W m−1 K−1", "W m-1 K-1"), ("1.5 W/mK", "W m-1 K-1"), ("100 cm2/Vs", "cm2 V-1 s-1"),
        ("100 cm2 V−1 s−1", "cm2 V-1 s-1"), ("0.1 S cm−1", "S cm-1"), ("160 mA h g−1", "mAh g-1"),
        ("160 mAh/g", "mAh g-1"), ("231 mAh g–1", "mAh g-1"), ("60 ◦C", "°C"), ("73 mN m(cid:0) 1", "mN m-1"),
        # audit round 14 (PMC5457246): a degradation rate per thousand hours; resistivities and viscosities
        ("8 mV/1000 h", "mV kh-1"), ("1.5 %/kh", "% kh-1"), ("2 × 10−6 Ω cm", "Ω cm"), ("3 mΩ cm2", "mΩ cm2"),
        ("30 mPa s", "mPa s"), ("30 mPa·s", "mPa s"),
        ("8.314 J/(mol ·K)", "J mol-1 K-1"),  # round 16 (poly_11): a spaced dot inside the brackets
    ],
)
def test_compound_units_parse_whole(text, unit):
    q = one(text)
    assert q.unit == unit and parse_unit(unit).text == unit


def test_a_thousand_hours_is_a_kilohour_only_under_a_slash():
    [q] = parse_quantities("after 1000 h of operation")
    assert (q.value, q.unit) == (1000.0, "h")
    assert one("8 mV/1000 h").to("mV h-1").value == pytest.approx(0.008)


def test_c_rate_needs_a_cue():
    qs = parse_quantities("The cells were discharged at 0.1 C and 5 C.")
    assert [(q.value, q.unit) for q in qs] == [(0.1, "C-rate"), (5.0, "C-rate")]
    # no charge/discharge/rate cue, or a number too large for a C-rate: no unit (not coulombs, not °C)
    assert parse_quantities("The sample 0.1 C was used.")[0].unit is None
    assert parse_quantities("The discharge cell was heated at 500 C.")[0].unit is None
    # "Sr 3d3/2" is an electron state, not days cubed
    assert parse_quantities("the doublet of Sr 3d3/2 and Sr 3d5/2 states")[0].unit is None
    # "100 sccm N2" is a flow of nitrogen, not sccm·newton²
    assert [q.unit for q in parse_quantities("a flow of 100 sccm N2")] == ["sccm"]


def _sentence(data, path, anchor, width=160):
    text = (data / path).read_text(encoding="utf-8")
    i = text.index(anchor)
    return text[max(0, i - width) : i + len(anchor)]


def test_flattened_pdf_units_and_decades(data):
    # MuLMS semi_04 / SOFC-Exp texts: superscripts flattened with spaces, Tafel slopes per decade
    text = _sentence(data, "mulms/texts/semi_04.txt", "channel mobilities of 80–85 cm 2 V −1 s −1", 80)
    q = parse_quantities(text)[-1]
    assert (q.low, q.high, q.unit) == (80.0, 85.0, "cm2 V-1 s-1")
    text = _sentence(data, "mulms/texts/semi_04.txt", "(4–6×10 10 cm −2 eV −1 )", 0)
    assert parse_quantities(text)[-1].unit == "cm-2 eV-1"
    assert [q.unit for q in parse_quantities("Tafel slopes of 71 and 93 mV/dec")] == ["mV dec-1"] * 2
    assert one("66 mV dec(cid:0) 1").unit == "mV dec-1" and one("45 mV dec− 1").unit == "mV dec-1"
    assert parse_quantities("5 dec")[0].unit is None  # a decade only as a denominator


def test_d_is_days_only_in_time_context(data):
    # "Ce 3d and Gd 4d core levels" (PMC3564701), "Cu 3d orbitals": electron shells, not days
    text = _sentence(data, "sofc_exp_texts/texts/PMC3564701.txt", "XPS spectra of Ce 3d and Gd 4d core levels", 0)
    assert [q.unit for q in parse_quantities(text)] == [None, None]
    assert parse_quantities("the hybridization of Cu 3d orbitals")[0].unit is None
    assert [parse_quantities(t)[0].unit for t in ("aged for 7 d at 25 °C", "after 200 d")] == ["d", "d"]


def test_bound_qualifiers():
    text = "k*/D* < 100 cm−1, a power density above 1 W cm−2, up to 90% and 5–10 nm"
    got = [(q.low, q.high) for q in (bounded(text, q) for q in parse_quantities(text))]
    assert got == [(None, 100.0), (1.0, None), (None, 90.0), (5.0, 10.0)]


@pytest.mark.parametrize("text, expected", [
    ("stirred for 5 h 1 M NaOH", [("5 h", "h"), ("1 M", "M")]),  # a first atom never takes a lost minus
    ("for 2 h 1 h later", [("2 h", "h"), ("1 h", "h")]),
])
def test_a_lost_minus_needs_an_earlier_atom(text, expected):
    assert [(text[q.start : q.end], q.unit) for q in parse_quantities(text)] == expected


def test_flattened_citations_ranges_from_the_top_and_hardness_scales():
    # SOFC-Exp PMC4770875 prints citations as digits glued to the unit: "140 mW/cm2 at 400 °C10 and 186 mW/cm2 at
    # 450 °C11"; PMC6517467 writes ranges from their upper end: "10−5~10−6 F cm−2"; steel_04 gives Rockwell and
    # Vickers hardness: "21.4 HRC", "300 HV10"
    text = "140 mW/cm2 at 400 °C10 and 186 mW/cm2 at 450 °C11."
    assert [(q.value, q.unit) for q in parse_quantities(text)] == [
        (140.0, "mW cm-2"), (400.0, "°C"), (186.0, "mW cm-2"), (450.0, "°C")]
    (q,) = parse_quantities("in the range of 10−5~10−6 F cm−2 for")
    assert (q.low, q.high, q.unit, q.value) == (1e-06, 1e-05, "F cm-2", 5.5e-06)
    assert parse_quantities("decreased from 1.01 to 0.7 V")[0].low is None  # a change, not a range
    assert parse_quantities("the voltage from 1.01 to 0.7 V")[0].low is None
    # pemfc_10: an impedance sweep written from its top frequency is one range; a frequency that drops is not
    (sweep,) = parse_quantities("10 st/dec for 10 to 0.1 Hz.")[1:]
    assert (sweep.low, sweep.high, sweep.unit) == (0.1, 10.0, "Hz")
    assert parse_quantities("the peak drops from 10 to 5 Hz")[0].low is None
    # SOFC-Exp PMC6523084: a sweep written down from a flattened power of ten
    assert [(q.low, q.high) for q in parse_quantities("frequency decades between 106 and 1 Hz")] == [(1.0, 1e6)]
    hrc, hv = parse_quantities("hardness of 21.4 HRC, and 300 HV10")
    assert (hrc.unit, hrc.kind, hv.value, hv.unit) == ("HRC", "hardness", 300.0, "HV")
    with pytest.raises(ValueError):
        hv.to("%")


def test_standard_uncertainties_and_milliequivalents():
    # SOFC-Exp PMC6632008 crystal data: "a = 3.87158 (8) Å c = 7.7928 (2) Å V = 116.81 (1) Å3"; MuLMS pemfc_07:
    # "ion exchange capacity (IEC) = 1.43 ± 0.04 meq g 1"
    a, c, v = parse_quantities("a = 3.87158 (8) Å c = 7.7928 (2) Å V = 116.81 (1) Å3")
    assert [(q.value, q.unit, q.error) for q in (a, c, v)] == [(3.87158, "Å", 8e-05), (7.7928, "Å", 0.0002),
                                                               (116.81, "Å3", 0.01)]
    (q,) = parse_quantities("a = 3.9159(5) Å")
    assert (q.value, q.error, q.unit) == (3.9159, 0.0005, "Å")
    (iec,) = parse_quantities("IEC = 1.43 ± 0.04 meq g 1, Solvay")
    assert (iec.value, iec.error, iec.unit) == (1.43, 0.04, "meq g-1")


def test_a_change_from_one_value_to_another_is_no_range():
    # SOFC-Exp PMC5700654: "the BET surface area of BZCYN increased from 4.58 to 7.77 m2 g−1 after H2 reduction"
    before, after = parse_quantities("the BET surface area of BZCYN increased from 4.58 to 7.77 m2 g−1 after")
    assert (before.value, before.unit, before.low, after.value, after.unit) == (4.58, "m2 g-1", None, 7.77, "m2 g-1")
    (q,) = parse_quantities("measured from 450 to 550 °C")
    assert (q.low, q.high) == (450.0, 550.0)
    # round 17 (PMC4021905): words of the clause between the verb and "from"; "ranging from" stays a range
    text = ("the compressive stresses decrease during the first 500 h of utilization from −220 to −120 MPa; an increase "
            "of the high frequency peak (corresponding to the charge transfer impedance [136,137]) from 1 kHz to 10 kHz")
    assert [(q.value, q.low) for q in parse_quantities(text) if q.unit in ("MPa", "kHz")] == [
        (-220.0, None), (-120.0, None), (1.0, None), (10.0, None)]
    (q,) = parse_quantities("The particle size increases with temperature, ranging from 10 to 20 nm.")
    assert (q.low, q.high) == (10.0, 20.0)


def test_a_percent_glued_to_a_word():
    # MuLMS pemfc: "100 kPag and 80%RH at the cathode"; "0.2%C steel"
    assert [(q.value, q.unit) for q in parse_quantities("100 kPag and 80%RH at the cathode")] == [(100, "kPa"),
                                                                                                  (80, "%")]
    assert [(q.value, q.unit, q.end) for q in parse_quantities("0.2%C steel")] == [(0.2, "%", 4)]


@pytest.mark.parametrize(("text", "value", "low", "high", "unit"), [
    # audit round 15 (PMC3793895, graphene_01, electrolysis_04): powers of ten written with en dashes or flattened
    ("14.5 × 10–6 K–1", 1.45e-05, None, None, "K-1"),
    ("10–10 atm", 1e-10, None, None, "atm"),  # an en-dash range with equal ends is a power
    ("10−2–104 Hz", 5000.005, 0.01, 10000.0, "Hz"),  # the top of a range of powers, its superscript flattened
    ("0.6∼0.8 V", 0.7, 0.6, 0.8, "V"),  # round 16 (pemfc_02): a tilde operator between two numbers is a range
    # decimal points a PDF extraction turned into colons, before a unit or a power of ten
    ("0:76 V", 0.76, None, None, "V"),
])
def test_flattened_powers_and_colon_decimals(text, value, low, high, unit):
    q = one(text)
    assert (q.value, q.low, q.high, q.unit) == (pytest.approx(value), low and pytest.approx(low),
                                                high and pytest.approx(high), unit)


def test_ratios_keep_their_colons():
    assert [q.value for q in parse_quantities("a 1:2 molar ratio, fixed at 1:20:3")] == [1, 2, 1, 20, 3]
    assert [q.value for q in parse_quantities("1.5–104 Hz")] == [52.75]
    [q] = parse_quantities("the electron charge (1:6 × 10−19 C)")  # coulomb: no unit, and never a C-rate
    assert (q.value, q.unit) == (pytest.approx(1.6e-19), None)


def test_a_bound_after_the_number():
    """Round 17 (pemfc_13, PMC4021905): "0.1 A cm−2 or more", "3% or less", "at least to 0.3%" are bounds."""
    def bounds(text):
        return [(q.low, q.high) for q in (bounded(text, q) for q in parse_quantities(text))]
    assert bounds("at current densities of 0.1 A cm-2 or more") == [(0.1, None)]
    assert bounds("low gas utilization rates (3% or less)") == [(None, 3.0)]
    assert bounds("the maximal strain can be improved at least to 0.3%.") == [(0.3, None)]
    assert bounds("the strain was 0.3% and then 0.5%") == [(None, None), (None, None)]


def test_a_range_whose_ends_have_different_units():
    """Round 18 (pemfc_14): "from ~50 nm to 1 μm" and "1 Hz to 1 MHz" are one range each, in the first end's unit;
    a swept span may run downwards when its unit changes ("from 100 kHz to 10 mHz"); a change keeps its unit and
    its direction, and ends of different dimensions stay apart."""
    def spans(text):
        return [(q.low, q.high, q.unit) for q in parse_quantities(text)]
    assert spans("pore size varies from ~50 nm to 1 μm") == [(50.0, 1000.0, "nm")]
    assert spans("sweeping frequencies in the range of 1 Hz to 1 MHz") == [(1.0, 1e6, "Hz")]
    assert spans("from 100 kHz to 10 mHz") == [(1e-05, 100.0, "kHz")]
    assert spans("at 10 mHz") == [(None, None, "mHz")]
    assert spans("decreased from 1 μm to 50 nm") == [(None, None, "µm"), (None, None, "nm")]
    assert spans("at 800 °C to 20 h") == [(None, None, "°C"), (None, None, "h")]
    assert spans("from 300 K to 25 °C") == [(None, None, "K"), (None, None, "°C")]


def test_a_lost_plus_minus_sign():
    """Round 19 (oastm_09): "3.4+0.1cm2/Vs", "1.7+0.2%" lost their ± in the PDF text; a sum stays two numbers."""
    def parsed(text):
        return [(q.value, q.error, q.unit) for q in parse_quantities(text)]
    assert parsed("a high electron mobility of 3.4+0.1cm2/Vs") == [(3.4, 0.1, "cm2 V-1 s-1")]
    assert parsed("the average efficiency was 1.7+0.2%.") == [(1.7, 0.2, "%")]
    assert parsed("ratio 2+3 h") == [(2.0, None, None), (3.0, None, "h")]
    assert parsed("x = 0.2+0.1") == [(0.2, None, None), (0.1, None, None)]


def test_frequency_units_in_capitals():
    text = "selected frequencies (10 KHz, 100 Hz and 0.1 Hz) and 2 MHZ"
    assert [(q.value, q.unit) for q in parse_quantities(text)] == [(10.0, "kHz"), (100.0, "Hz"), (0.1, "Hz"),
                                                                   (2.0, "MHz")]


@pytest.mark.parametrize(("text", "low", "high"), [
    # audit round 20: bounds read as plain values
    ("PCFCs can operate at temperatures beyond 800 °C", 800.0, None),
    ("the ASR exceeds 0.1 Ω cm2", 0.1, None),
    ("an operating temperature of 600 °C or even lower", None, 600.0),
])
def test_round_20_bounds(text, low, high):
    q = bounded(text, parse_quantities(text)[0])
    assert (q.low, q.high) == (low, high)


@pytest.mark.parametrize(("text", "value"), [
    # audit round 20: a second value compared with the first, and the value a quantity reaches, are no bounds
    ("the activation energy of PBFM in H2 was 1.02 eV, lower than 1.31 eV in air", 1.31),
    ("The maximum power density (Pmax) can reach up to 1.72 W cm−2 at 800 °C", 1.72),
])
def test_round_20_no_bounds(text, value):
    q = bounded(text, next(q for q in parse_quantities(text) if q.value == value))
    assert (q.low, q.high) == (None, None)
    assert bounded("the thickness was up to 5 µm", parse_quantities("the thickness was up to 5 µm")[0]).high == 5.0


def test_round_20_glued_siemens_and_uncertainties_in_a_list():
    """PMC5456869 of SOFC-Exp: "175 and 160 Scm−1" lost its unit, and in "3.9760(3), 3.9739(4) and 3.9654(2) Å"
    the standard uncertainties were numbers of their own and the first two values had no unit."""
    assert [(q.value, q.unit) for q in parse_quantities("σ values of 175 and 160 Scm−1 were")] == [
        (175.0, "S cm-1"), (160.0, "S cm-1")]
    qs = parse_quantities("are 3.9760(3), 3.9739(4) and 3.9654(2) Å, respectively")
    assert [(q.value, q.unit, q.error) for q in qs] == [(3.976, "Å", 0.0003), (3.9739, "Å", 0.0004),
                                                         (3.9654, "Å", 0.0002)]


def test_round_21_from_a_value_up_to_another_is_a_range():
    """poly_04: "over the entire temperature range … from 146 K up to 527 K" was the bound ≤ 527 K."""
    text = "over the entire temperature range of the TPU service life from 146 K up to 527 K"
    q = parse_quantities(text)[0]
    assert (q.low, q.high, q.unit) == (146.0, 527.0, "K")
    text = "five samples up to 10 mm long"
    assert bounded(text, parse_quantities(text)[0]).high == 10.0  # "five" is a word, "up to" a bound


def test_impedance_sweeps_with_flattened_superscripts():
    """Audit round 26 (SOFC-Exp PMC6461657, PMC5793538): PDF text flattens 10^5 to "105", so the sweep "0.1–105 Hz"
    ends at 10^5 Hz and "102–103 Hz" spans two decades; a range that starts at a plain frequency stays as written."""
    got = {t: [(q.low, q.high, q.unit) for q in parse_quantities(t)]
           for t in ("over a frequency range of 0.1–105 Hz", "from 0.01 to 105 Hz", "(MF, 102–103 Hz)", "at 50–60 Hz",
                     "from 100 to 105 Hz")}
    assert got == {"over a frequency range of 0.1–105 Hz": [(0.1, 1e5, "Hz")], "from 0.01 to 105 Hz": [(0.01, 1e5, "Hz")],
                   "(MF, 102–103 Hz)": [(100.0, 1000.0, "Hz")], "at 50–60 Hz": [(50.0, 60.0, "Hz")],
                   "from 100 to 105 Hz": [(100.0, 105.0, "Hz")]}


def test_over_a_temperature_is_a_low_bound():
    """Audit round 26 (SOFC-Exp PMC6461657): "high operational temperatures (over 700 °C)" is above 700 °C; "over"
    before a time is a duration, no bound."""
    text = "high operational temperatures (over 700 °C) required by YSZ, stable over 100 h"
    assert [(q.value, bounded(text, q).low, bounded(text, q).high) for q in parse_quantities(text)] == [
        (700.0, 700.0, None), (100.0, None, None)]
    text = "a surface area of over 210 m2 g–1 averaged over 10 μm, over 50 cycles"
    assert [(q.value, bounded(text, q).low) for q in parse_quantities(text)] == [(210.0, 210.0), (10.0, None),
                                                                                   (50.0, None)]


def test_decades_are_no_times():
    """Audit round 28 (SOFC-Exp PMC5944822): "since the discovery … in 1970s" is a decade; "held for 1800s" is a
    time."""
    assert parse_quantities("since the discovery of perovskites in 1970s, in the mid-1980s and the 1990s") == []
    assert [(q.value, q.unit) for q in parse_quantities("held for 1800s at 80 °C")][0] == (1800.0, "s")


def test_a_range_of_negative_numbers_from_its_smaller_magnitude():
    """Audit round 27 (SOFC-Exp PMC4735809): "slopes of −0.7 to −1.0 eV/V" is one range; a change between two
    negative values ("decreased from −0.7 to −1.0 V") stays two values."""
    assert [(q.low, q.high) for q in parse_quantities("all peaks shift with slopes of −0.7 to −1.0 eV/V")] == [
        (-1.0, -0.7)]
    assert [(q.value, q.low) for q in parse_quantities("the potential decreased from −0.7 to −1.0 V")] == [
        (-0.7, None), (-1.0, None)]


def test_round_29_bounds_with_a_rough_number_and_dots_after_a_slash():
    """Audit round 29 (SOFC-Exp PMC3564701, MuLMS oastm_02): "below approximately 0.01 mW/cm2" and "up to
    approximately 3μm" are bounds; a wear rate in "mm3/N·m" is per newton metre (so is "J/g·K")."""
    for text, side in (("a power density below approximately 0.01 mW/cm2", "high"),
                       ("particles up to approximately 3μm in diameter", "high"), ("not less than about 90%", "low")):
        (q,) = parse_quantities(text)
        assert getattr(bounded(text, q), side) == q.value
    assert [q.unit for q in parse_quantities("a wear rate of 2.1×10−6 mm3/N·m and 0.5 J/g·K")] == [
        "mm3 N-1 m-1", "J g-1 K-1"]
    assert [q.unit for q in parse_quantities("10 mW·cm−2 and 3 V·s/cm2")] == ["mW cm-2", "V s cm-2"]


def test_round_30_minus_set_apart_and_exponent_glued_to_and():
    """Audit rounds 29–30 (MuLMS electrolysis_01, oastm_02): a PDF minus set apart from its number after a word or
    bracket ("from 0 to − 0.7 V", "of − 5 mA cm− 2") is the number's sign, the span starting at the minus; a
    subtraction ("10 − 5") is not; "~1580cm-1and" ends its unit before "and"; "over than 1.0 V" is a low bound."""
    text = "LSV in the potential region from 0 to − 0.7 V vs. RHE, at DC potentials of 0 and − 0.4 V"
    got = parse_quantities(text)
    assert [(q.low, q.high) for q in got[:1]] == [(-0.7, 0.0)] and got[-1].value == -0.4
    assert text[got[-1].start : got[-1].end] == "− 0.4 V"
    (q,) = parse_quantities("delivering a current density of − 5 mA cm− 2")
    assert (q.value, q.unit) == (-5.0, "mA cm-2")
    assert [q.value for q in parse_quantities("10 − 5 = 5")][-1] == 5.0
    assert [(q.value, q.unit) for q in parse_quantities("the G-band at ~1580cm-1and the D-band")] == [
        (1580.0, "cm-1")]
    text = "All of the OCVs were over than 1.0 V"
    assert [bounded(text, q).low for q in parse_quantities(text)] == [1.0]
