"""Formula parsing, Composition semantics and the formula/word decision."""

import pytest

from matnlp.chem import (
    ELEMENT_NAMES,
    ELEMENTS,
    Amount,
    Composition,
    FormulaError,
    element_from_name,
    formula_from_name,
    is_formula,
    parse_formula,
    parse_stoichiometry,
    read_material,
)


@pytest.mark.parametrize(
    ("formula", "normalized"),
    [
        ("LiCoO2", "CoLiO2"),
        ("Ni(CO)4", "C4NiO4"),
        ("Ni(CO)4SiO2", "C4NiO6Si"),
        ("SiO2", "O2Si"),
        ("Fe2O3", "Fe2O3"),
        ("Fe4O6", "Fe2O3"),
        ("Li(Ni0.8Co0.1Mn0.1)O2", "Co0.1LiMn0.1Ni0.8O2"),
        ("MgCl2·6H2O", "Cl2H12MgO6"),
        ("CuSO4•5H2O", "CuH10O9S"),
        ("Al2(SO4)3*16H2O", "Al2H32O28S3"),
        ("K[Fe(CN)6]", "C6FeKN6"),
        ("Ca10(PO4)6(OH)2", "Ca5HO13P3"),
        ("{[Cu(NH3)4]}SO4", "CuH12N4O4S"),
    ],
)
def test_normalized_formula(formula, normalized):
    assert parse_formula(formula).normalized_formula == normalized


@pytest.mark.parametrize(
    ("formula", "mat2vec"),
    [
        ("LiNi0.6Co0.2Mn0.2O2", "CoLi5MnNi3O10"),
        ("Li(Ni0.8Co0.1Mn0.1)O2", "CoLi10MnNi8O20"),
        ("Ni0.5Fe0.5", "FeNi"),
        ("Ca10(PO4)6(OH)2", "Ca5HO13P3"),
        ("ZnO", "OZn"),
    ],
)
def test_mat2vec_formula_scales_fractions_to_integers(formula, mat2vec):
    assert parse_formula(formula).mat2vec_formula == mat2vec


def test_composition_amounts_equality_and_hash():
    a = parse_formula("Li(Ni0.8Co0.1Mn0.1)O2")
    assert a.amounts == {"Co": 0.1, "Li": 1.0, "Mn": 0.1, "Ni": 0.8, "O": 2.0}
    b = parse_formula("LiNi0.8Mn0.1Co0.1O2")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert parse_formula("Co0.1Co0.2") == Composition({"Co": 0.3})  # float sums compare equal
    assert parse_formula("Fe2O3") != parse_formula("Fe4O6")
    assert parse_formula("Fe4O6").reduced() == parse_formula("Fe2O3")
    assert parse_formula("Fe0.5O").reduced() == parse_formula("Fe0.5O")  # fractional: unchanged
    assert a["Ni"] == 0.8 and "Li" in a and list(a) == ["Co", "Li", "Mn", "Ni", "O"]


def test_charges_are_kept_apart_from_amounts():
    fe = parse_formula("Fe3+")
    assert fe.amounts == {"Fe": 1.0} and fe.charge == 3
    sulfate = parse_formula("SO42-")
    assert sulfate.amounts == {"O": 4.0, "S": 1.0} and sulfate.charge == -2
    assert parse_formula("Li+").charge == 1
    assert fe != parse_formula("Fe")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty formula"),
        ("Xx2", "unknown element 'Xx'"),
        ("Bin", "unknown element 'Bin'"),
        ("Fe(O", "unclosed group, expected ')'"),
        ("FeO)", "unexpected ')' at position 3"),
        ("()", "empty group"),
        ("Li1+xAl0.3Ti1.7(PO4)3", "variable x has no value"),
        ("LiFePO4-x", "variable x has no value"),
        ("LiFePO4-q", "variable or unsupported stoichiometry at 'q'"),
        ("La1-xSrxMnO3", "variable x has no value"),
        ("Fe0O", "zero amount"),
        ("Fe2 O3", "unexpected ' ' at position 3"),
    ],
)
def test_formula_errors_give_reasons(text, reason):
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "token",
    ["LiCoO2", "SiO2", "H2O", "O2", "Cl2", "NaCl", "GaN", "InAs", "CoO", "MgCl2·6H2O", "Li(Ni0.8Co0.1Mn0.1)O2"],
)
def test_is_formula_accepts_formulas(token):
    assert is_formula(token)


@pytest.mark.parametrize(
    "token",
    [
        "In", "As", "I", "He", "No", "Co", "Fe", "CO", "COOH", "DC", "ZT", "XRD", "SEM", "TEM", "BET", "ALD",
        "BN", "II", "IV", "Fe(II)", "Bin", "The", "CNTs", "SBDs", "Eu3+", "P21", "Li1+xCoO2", "5ZnO", "mAh", "",
    ],
)
def test_is_formula_rejects_words_symbols_and_acronyms(token):
    assert not is_formula(token)


def test_element_table_and_names():
    assert len(ELEMENTS) == 118 and ELEMENTS[25] == "Fe" and ELEMENTS[-1] == "Og"
    assert ELEMENT_NAMES["iron"] == "Fe"
    assert element_from_name("aluminium") == element_from_name("Aluminum") == "Al"
    assert element_from_name("sulphur") == "S"
    assert element_from_name("IRON") is None
    assert element_from_name("band") is None


def test_matches_pymatgen_on_matscholar_formulas(data):
    """Our compositions agree with pymatgen's on every formula token of the Matscholar test split."""
    from pymatgen.core import Composition as PmgComposition

    tokens = {line.split()[0] for line in (data / "matscholar_ner" / "train.txt").open() if line.strip()}
    formulas = sorted(t for t in tokens if is_formula(t) and "*" not in t)
    assert len(formulas) > 500
    for formula in formulas:
        expected = PmgComposition(formula).get_el_amt_dict()
        assert parse_formula(formula).amounts == pytest.approx(dict(sorted(expected.items()))), formula


def test_matscholar_formulas_are_in_mat2vec_normal_form(data):
    """Matscholar formulas were written by mat2vec, so re-normalizing them must not change them."""
    lines = [line.split() for line in (data / "matscholar_ner" / "train.txt").open()]
    formulas = [w[0] for w in lines if len(w) == 2 and w[1].endswith("MAT") and is_formula(w[0])]
    changed = [t for t in formulas if "*" not in t and "[" not in t and parse_formula(t).mat2vec_formula != t]
    assert len(formulas) > 2000
    assert len(changed) / len(formulas) < 0.01, changed


@pytest.mark.parametrize(
    ("formula", "amounts"),
    [
        ("Li1+xAl0.3Ti1.7(PO4)3", {"Li": "1+x", "Al": "0.3", "Ti": "1.7", "P": "3", "O": "12"}),
        ("La1-xSrxMnO3", {"La": "1-x", "Sr": "x", "Mn": "1", "O": "3"}),
        ("Mg2Si1-xSnx", {"Mg": "2", "Si": "1-x", "Sn": "x"}),
        ("La(1-x)Sr(x)MnO3", {"La": "1-x", "Sr": "x", "Mn": "1", "O": "3"}),
        ("Ce0.8Gd0.2O2−δ", {"Ce": "0.8", "Gd": "0.2", "O": "2-δ"}),
        ("(Sm1-yNdy)0.52Sr0.48MnO3", {"Sm": "0.52-0.52y", "Nd": "0.52y", "Sr": "0.48", "Mn": "1", "O": "3"}),
        ("(1-x)Bi2O3-xNb2O5", {"Bi": "2-2x", "O": "3+2x", "Nb": "2x"}),
        ("Ca2Si1-2xAl2xO4", {"Ca": "2", "Si": "1-2x", "Al": "2x", "O": "4"}),
    ],
)
def test_variable_stoichiometry_is_kept_symbolic(formula, amounts):
    stoichiometry = parse_stoichiometry(formula)
    assert {el: str(a) for el, a in stoichiometry.amounts.items()} == amounts
    assert list(stoichiometry.amounts) == list(amounts)  # order of appearance


def test_variables_take_values():
    assert parse_formula("Li1+xAl0.3Ti1.7(PO4)3", {"x": 0.1}) == Composition(
        {"Li": 1.1, "Al": 0.3, "Ti": 1.7, "P": 3, "O": 12}
    )
    assert parse_stoichiometry("Li1+xAl0.3Ti1.7(PO4)3").formula({"x": 0.1}) == "Li1.1Al0.3Ti1.7P3O12"
    assert parse_formula("La0.6Sr0.4Co0.2Fe0.8O3−δ") == parse_formula("La0.6Sr0.4Co0.2Fe0.8O3")  # δ = 0
    assert parse_formula("SrTi1-xFexO3", {"x": 0}) == parse_formula("SrTiO3")  # zero amounts drop out
    with pytest.raises(FormulaError, match="negative amount of La"):
        parse_formula("La1-xSrxMnO3", {"x": 1.5})


@pytest.mark.parametrize(
    ("formula", "normalized"),
    [
        ("Ni1/3Mn1/3Co1/3(OH)2", "Co0.333333H2Mn0.333333Ni0.333333O2"),
        ("CuO-CeO2", "CeCuO3"),
        ("46.6TeO2-18.2ZnO-35.2ZnF2", "F70.4O111.4Te46.6Zn53.4"),
        ("[Co(NO3)2·6H2O]", "CoH12N2O12"),
        ("Li₄Ti₅O₁₂", "Li4O12Ti5"),
        ("Li4Ti5O12–TiO2", "Li2O7Ti3"),
    ],
)
def test_fractions_mixtures_and_unicode(formula, normalized):
    assert parse_formula(formula).normalized_formula == normalized


@pytest.mark.parametrize("token", ["CoO(100)", "GaAs(111)B", "CuO-CeO2", "Ni1/3Co1/3", "La1-xSrxMnO3", "Li₂O"])
def test_is_formula_stays_strict(token):
    """is_formula feeds the mat2vec view: Miller indices are not amounts, extended notations are not tokens."""
    assert not is_formula(token)


def test_amount_arithmetic():
    x = Amount.variable("x")
    one = Amount.number(1)
    assert str(one + x * -1.0) == "1-x" and (one + x * -1.0).variables == {"x"}
    assert (x * x).value({"x": 0.5}) == 0.25 and str(x * 2.0) == "2x"
    assert Amount.number(0.1) + Amount.number(0.2) == Amount.number(0.3)


@pytest.mark.parametrize(
    ("name", "formula"),
    [
        ("iron(III) oxide", "Fe2O3"),
        ("iron (III) oxide", "Fe2O3"),
        ("ferric nitrate", "Fe(NO3)3"),
        ("titanium dioxide", "TiO2"),
        ("zinc oxide", "ZnO"),
        ("silicon carbide", "SiC"),
        ("Lithium Cobalt Oxide", "LiCoO2"),
        ("alumina", "Al2O3"),
        ("zirconia", "ZrO2"),
        ("ceria", "CeO2"),
        ("yttria", "Y2O3"),
        ("magnesia", "MgO"),
        ("vanadium pentoxide", "V2O5"),
        ("ammonium sulfate", "(NH4)2SO4"),
        ("aluminium nitrate nonahydrate", "Al(NO3)3·9H2O"),
        ("manganese(II) acetate tetrahydrate", "Mn(C2H3O2)2·4H2O"),
        ("iron", "Fe"),
    ],
)
def test_formula_from_name(name, formula):
    assert formula_from_name(name) == formula


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("iron oxide", "oxidation state of Fe not given"),
        ("cobalt nitrate", "oxidation state of Co not given"),
        ("nickel nitrate hydrate", "number of water molecules not given"),
        ("polyvinyl alcohol", "unknown cation 'polyvinyl'"),
        ("graphene oxide", "unknown cation 'graphene'"),
        ("PVDF", "not a formula or a known chemical name"),
    ],
)
def test_names_that_fix_no_formula_give_reasons(name, reason):
    with pytest.raises(FormulaError) as info:
        formula_from_name(name)
    assert info.value.reason == reason


@pytest.mark.parametrize(("written", "formula", "note"), [
    ("nano-TiO2", "TiO2", "nano"),
    ("nano-sized ZnO", "ZnO", "nano-sized"),
    ("Fe2O3 (≥99%)", "Fe2O3", "purity 99%"),
    ("NiO (99.9%, Sigma-Aldrich)", "NiO", "purity 99.9%; Sigma-Aldrich"),
    ("Li2CO3 (Alfa Aesar, 99%)", "Li2CO3", "purity 99%; Alfa Aesar"),
    ("Co3O4 (purity 99.99%)", "Co3O4", "purity 99.99%"),
    ("α-Fe2O3 (99.9%)", "Fe2O3", "purity 99.9%; α phase"),
    ("Al(OH)3(A.R)", "Al(OH)3", "grade A.R"),  # as Kononova snippets write grades
    ("H3BO3 (AR)", "H3BO3", "grade AR"),
    ("Ni (NO3)2·6H2O", "Ni(NO3)2·6H2O", None),  # a cation written apart from its anion group
])
def test_size_words_purities_and_grades_stay_out_of_the_formula(written, formula, note):
    reading = read_material(written)
    assert reading.formula == formula and reading.note == note


@pytest.mark.parametrize(("written", "composition"), [
    ("CuSO4.5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("Co(NO3)2.6H2O", {"Co": 1, "N": 2, "O": 12, "H": 12}),
    ("La0.5H2O", {"La": 0.5, "H": 2, "O": 1}),  # a decimal amount, not a hydrate dot
])
def test_a_full_stop_before_water_is_a_hydrate_dot(written, composition):
    assert read_material(written).stoichiometry.composition() == Composition(composition)


@pytest.mark.parametrize(("name", "formula"), [
    ("barium zirconate", "BaZrO3"), ("yttrium vanadate", "YVO4"), ("lanthanum gallate", "LaGaO3"),
    ("gadolinia", "Gd2O3"),
])
def test_electrolyte_and_oxide_names(name, formula):
    """Oxoanion salts are trivial names here: ``vanadate``, ``titanate``, ``zirconate`` alone fix no formula
    (NH4VO3 / YVO4, Li2TiO3 / Li4Ti5O12, BaZrO3 / La2Zr2O7)."""
    assert formula_from_name(name) == formula


@pytest.mark.parametrize(("text", "mixture", "components"), [
    ("The (Ta2O5)1-x(TiO2)x powders", "(Ta2O5)1-x(TiO2)x", ["Ta2O5", "TiO2"]),
    ("(Na2S)x(GeS2)100 - x glasses", "(Na2S)x(GeS2)100 - x", ["Na2S", "GeS2"]),
    ("Samples of xSnO2-(1-x)α-Fe2O3 were", "xSnO2-(1-x)α-Fe2O3", ["SnO2", "α-Fe2O3"]),
    ("electrolytes of xNa2S·(100 - x)P2S5 (mol%)", "xNa2S·(100 - x)P2S5", ["Na2S", "P2S5"]),
    ("C3A (3CaO⋅Al2O3) clinker", "3CaO⋅Al2O3", ["CaO", "Al2O3"]),
    ("nominal composition 0.30(CuO)-(0.70)P2O5 was", "0.30(CuO)-(0.70)P2O5", ["CuO", "P2O5"]),
    ("compositions (30-ϰ)B2O3 - 45TeO2 were", "(30-ϰ)B2O3 - 45TeO2", ["B2O3", "TeO2"]),
    ("the solid systems (CuI)(1- x)-(Ag2WO4)x were", "(CuI)(1- x)-(Ag2WO4)x", ["CuI", "Ag2WO4"]),
])
def test_mixtures_and_their_components(text, mixture, components):
    from matnlp.chem.mixture import components as read, mixtures

    (span,) = mixtures(text)
    assert text[slice(*span)] == mixture
    assert [(c.formula, mixture[c.start : c.end]) for c in read(mixture)] == [(f, f) for f in components]


@pytest.mark.parametrize("text", ["ZnSn(OH)6 hollow", "K3Na(SO4)2:Eu", "Na3V2(PO4)3/C", "(Li0.52Na0.48)2CO3",
                                  "Fe(NO3)3·9H2O", "CuSO4·5H2O", "Li2S-P2S5 glass", "SrTiO3-LaAlO3",
                                  "3Li2CO3+V2O5 = 2Li3VO4", "8YSZ-10GDC", "x = 0.1-0.2",
                                  # whole papers (SOFC-Exp PMC4021905, MuLMS oastm_05): an A-site deficient
                                  # formula after a figure number, a whitlockite formula's groups
                                  "Figure 33 (La0.75Sr0.25)1−xCr0.5Mn0.5O3 (LSCM)", "(La0.75Sr0.25)1−xCr0.5Mn0.5O3",
                                  "whitlockite (Ca9(Mg,Fe++)(PO4)6·(PO3OH))"])
def test_formulas_hydrates_pairs_and_equations_are_no_mixtures(text):
    from matnlp.chem.mixture import mixtures

    assert list(mixtures(text)) == []


@pytest.mark.parametrize(("formula", "radical"), [
    ("CF3", True), ("SO3H", True), ("COOH", True), ("CH3", True), ("H23C9", True), ("CN", True),
    ("CO2", False), ("CH4", False), ("C2H5OH", False), ("H2SO4", False), ("CH4N2O", False), ("C60", False),
    ("NH4HCO3", False), ("(NH4)2CO3", False), ("N2H4·H2O", False), ("NO2", False), ("Si(OC2H5)4", False),
    ("La0.6Sr0.4CoO3", False), ("CaCO3", False),
])
def test_groups_and_radicals_are_told_from_molecules(formula, radical):
    """A covalent formula whose rings-plus-double-bonds count is negative or not whole is a group, a radical or no
    molecule at all (MuLMS pemfc_04: "790 g.mol−1 SO3H, stabilized CF3 polymer chain ends", "a H23C9 GDL")."""
    assert parse_stoichiometry(formula).radical is radical
