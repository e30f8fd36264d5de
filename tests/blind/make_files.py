#!/usr/bin/env python3
"""Regenerate the blind test case (Facilitime -> GC CSV exchange).

Writes reception1/, reception2/ and expected.json next to this script.
Only the written contract (facilitime-csv.md) and GC_CONTEXT.md were used.
"""
import hashlib
import json
import os
import shutil
import unicodedata
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
R1 = os.path.join(HERE, "reception1")
R2 = os.path.join(HERE, "reception2")

BOM = "\ufeff"
CENT = Decimal("0.01")

# --------------------------------------------------------------------------
# GC knowledge needed to compute the expected totals (from GC_CONTEXT.md)
# --------------------------------------------------------------------------
ARTICLE_VAT = {  # ETA code -> (GC code, GC VAT rate); SEMMAIS has no correspondence
    "FT-MOISBLE": ("MOISBLE", "20"), "FT-GNR": ("GNR", "20"),
    "FT-FRAISSERV": ("FRAISSERV", "20"), "FT-DECH": ("DECH", "20"),
    "FT-DEPL": ("DEPL", "20"), "FT-SEMBLE": ("SEMBLE", "5.5"),
    "FT-SEMCER": ("SEMCER", "20"), "FT-TRACT": ("TRACT", "20"),
    "FT-PULVE": ("PULVE", "20"), "FT-BALRON": ("BALRON", "20"),
    "FT-FILET": ("FILET", "20"), "FT-ENSIL": ("ENSIL", "20"),
    "FT-TRANSB": ("TRANSB", "20"), "FT-LAB": ("LAB", "20"),
    "FT-EPFUM": ("EPFUM", "20"), "FT-BROY": ("BROY", "20"),
    "FT-FAUCH": ("FAUCH", "20"), "FT-ANDAIN": ("ANDAIN", "20"),
    "FT-CURAGE": ("CURAGE", "20"), "FT-HERS": ("HERS", "20"),
    "FT-SEMMAIS": ("SEMMAIS", "20"),  # usable only after the operator maps it
}

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def num(s):
    """Parse a number the way the contract describes (for computing expectations)."""
    s = s.strip()
    for ch in ("€", "%"):
        if s.endswith(ch):
            s = s[:-1].strip()
    for sp in (" ", "\u00a0", "\u202f"):
        s = s.replace(sp, "")
    return Decimal(s.replace(",", "."))


def r2(d):
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def luhn_ok(digits):
    digits = digits.replace(" ", "")
    tot = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return tot % 10 == 0


def luhn_complete(prefix):
    for last in "0123456789":
        if luhn_ok(prefix + last):
            return prefix + last
    raise AssertionError


def siret(siren8, nic4):
    siren = luhn_complete(siren8)
    full = luhn_complete(siren + nic4)
    assert len(full) == 14 and full.isdigit() and luhn_ok(siren) and luhn_ok(full)
    return full


def tva_fr(siret14):
    siren = int(siret14[:9])
    return "FR%02d%s" % ((12 + 3 * (siren % 97)) % 97, siret14[:9])


def spaced_siret(s):
    return "%s %s %s %s" % (s[0:3], s[3:6], s[6:9], s[9:])


def cell(v, sep, force=False):
    v = "" if v is None else str(v)
    if force or any(c in v for c in (sep, '"', "\r", "\n")):
        return '"' + v.replace('"', '""') + '"'
    return v


def render(header, rows, sep, eol, final_eol=True):
    """rows: list of lists (cells) or the string 'BLANK' for a blank line."""
    out = [sep.join(cell(h, sep) for h in header)]
    for r in rows:
        out.append("" if r == "BLANK" else sep.join(cell(c, sep) for c in r))
    txt = eol.join(out)
    if final_eol:
        txt += eol
    return txt


def write(path, text, encoding, bom=False):
    data = ((BOM if bom else "") + text).encode(encoding)
    with open(path, "wb") as f:
        f.write(data)
    return data


def norm_header(name):
    n = unicodedata.normalize("NFKD", name)
    n = "".join(c for c in n if not unicodedata.combining(c))
    n = n.lower()
    for c in " _-.":
        n = n.replace(c, "")
    return n


# --------------------------------------------------------------------------
# documents: header fields + lines, values exactly as written in the files
# --------------------------------------------------------------------------
COMMENT_101 = ('Parcelle "Les Grands Prés" ; chantier terminé le 29/08.\r\n'
               'Prévoir facture séparée pour le GNR.')

def L(code, label, qty, unit, pu, remise="", tva="", mht="", no=""):
    return dict(CodeArticle=code, LibelleArticle=label, Quantite=qty, Unite=unit,
                PrixUnitaireHT=pu, RemisePourcent=remise, TauxTVA=tva,
                MontantHT=mht, NumeroLigne=no)

DOCS = {}

# ---- file A (UTF-8 BOM, ';', CRLF) ----
DOCS["F250901_D250101"] = dict(
    head=dict(NumeroDocument="F250901_D250101", DateDocument="01/09/2025", CodeClient="0701",
              NomClient="EARL du Moulin", ModeReglement="Chèques", Reference="BC-2025-118",
              Commentaire=COMMENT_101, TotalTTC="3 662,71 €", DateIntervention="29/08/2025",
              Chantier="Les Grands Prés", Surface="12,50", Chauffeur="Kévin Hamon",
              Materiel="NH CR9.90"),
    lines={
        1: L("FT-MOISBLE", "Moisson blé", "12,5", "HA", "145,00", remise="5", mht="1 721,88", no="1"),
        2: L("FT-GNR", "Gazole non routier", "85", "", "1,128", tva="20 %", mht="95,88", no="2"),
        3: L("FT-FRAISSERV", "Forfait remise en état chemin", "1", "U", "1 234,50 €", mht="1 234,50 €", no="3"),
    })
DOCS["F250901_D250102"] = dict(
    head=dict(NumeroDocument="F250901_D250102", DateDocument="02/09/25", CodeClient="0751",
              NomClient="EARL des Peupliers", ModeReglement="Virement", Reference="",
              Commentaire="Premier chantier pour ce client", TotalTTC="320,16",
              DateIntervention="01/09/2025", Chantier="La Pièce du Bois", Surface="6,4",
              Chauffeur="Julien Renard", Materiel="Horsch Joker 6RT"),
    lines={
        1: L("FT-DECH", "Déchaumage", "6,40", "HA", "38,50", mht="246,40"),
        2: L("FT-DEPL", "Frais de déplacement", "24", "KM", "0,85"),
    })
DOCS["F250901_D250103"] = dict(
    head=dict(NumeroDocument="F250901_D250103", DateDocument="03/09/2025", CodeClient="0702",
              NomClient="GAEC des Trois Chênes", ModeReglement="Prélèvement", Reference="",
              Commentaire="", TotalTTC="1 690,00 €", DateIntervention="02/09/2025",
              Chantier="Le Chêne Rond", Surface="10,5", Chauffeur="Kévin Hamon",
              Materiel="Amazone Cirrus 4003"),
    lines={
        1: L("FT-SEMBLE", "Semences blé certifiées", "20", "U", "42,35", no="1"),
        2: L("FT-SEMCER", "Semis céréales", "10,5", "HA", "52,00", tva="10", mht="546,00", no="2"),
        3: L("FT-TRACT", "Location tracteur avec chauffeur", "2,5", "H", "65,00", no="3"),
    })
DOCS["F250901_D250104"] = dict(
    head=dict(NumeroDocument="F250901_D250104", DateDocument="04/09/2025", CodeClient="0705",
              NomClient="GAEC des Grands Champs", ModeReglement="Virement", Reference="MAIS-25",
              Commentaire="", TotalTTC="1 005,00", DateIntervention="03/09/2025",
              Chantier="Les Larris", Surface="14", Chauffeur="Julien Renard",
              Materiel="Kuhn Maxima 3"),
    lines={
        1: L("FT-SEMMAIS", "Semis maïs monograine", "14", "HA", "58,00", mht="812,00", no="1"),
        2: L("FT-DEPL", "Frais de déplacement", "30", "KM", "0,85", no="2"),
    })

# ---- file B (UTF-8 no BOM, ',', LF) ----
DOCS["F250901_D250105"] = dict(
    head=dict(NumeroDocument="F250901_D250105", DateDocument="2025-09-05 14:30", CodeClient="0703",
              NomClient="SCEA de Beauregard", ModeReglement="Carte bancaire", Reference="",
              Commentaire="Retour de 3 filets non utilisés", TotalTTC="339.97",
              DateIntervention="04/09/2025 08:15:00", Chantier="Beauregard Est", Surface="12.5",
              Chauffeur="Thomas Leblanc", Materiel="Krone Comprima"),
    lines={
        1: L("FT-PULVE", "Pulvérisation", "12.5", "HA", "9.80", mht="122.50"),
        2: L("FT-BALRON", "Pressage balle ronde", "40", "U", "4.95", tva="20", mht="198.00"),
        3: L("FT-FILET", "Filet balle ronde", "-3", "", "12.40", mht="-37.20"),
    })
DOCS["F250901_D250106"] = dict(
    head=dict(NumeroDocument="F250901_D250106", DateDocument="2025-09-06", CodeClient="0706",
              NomClient="EARL du Bois Joli", ModeReglement="Espèces", Reference="ENS-0906",
              Commentaire="", TotalTTC="1 520,10 €", DateIntervention="2025-09-05",
              Chantier="Bois Joli", Surface="7.25", Chauffeur="Thomas Leblanc",
              Materiel="Claas Jaguar 940"),
    lines={
        1: L("FT-ENSIL", "Ensilage maïs", "7,25", "HA", "135.00", mht="978.75", no="1"),
        2: L("FT-TRANSB", "Transport benne", "6", "H", "48", no="2"),
    })

# ---- file C (Windows-1252, ';', LF, no final line end) ----
def simple(no, date, client, name, mode, total, lines):
    return dict(head=dict(NumeroDocument=no, DateDocument=date, CodeClient=client, NomClient=name,
                          ModeReglement=mode, Reference="", Commentaire="", TotalTTC=total),
                lines=lines)

DOCS["F250901_D250107"] = simple("F250901_D250107", "08/09/2025", "0799", "EARL de la Nouvelle Ferme",
                                 "Chèques", "372,00",
                                 {1: L("FT-LAB", "Labour", "5", "HA", "62,00", mht="310,00", no="1")})
DOCS["F250901_D250110"] = simple("F250901_D250110", "08/09/2025", "0707", "GAEC de la Ferme Neuve",
                                 "Chèques", "",
                                 {1: L("FT-EPFUM", "Épandage de fumier", "3,5,1", "T", "6,50", no="1"),
                                  2: L("FT-DEPL", "Frais de déplacement", "12", "KM", "0,85", no="2")})
DOCS["F250901_D250111"] = simple("F250901_D250111", "31/02/2025", "0708", "SCEA des Sablons",
                                 "Virement", "334,80",
                                 {1: L("FT-BROY", "Broyage de cannes", "9", "HA", "31,00", mht="279,00", no="1")})
DOCS["F250901_D250112"] = simple("F250901_D250112", "09/09/2025", "0709", "EARL de la Croix Blanche",
                                 "Virement", "",
                                 {1: L("FT-FAUCH", "Fauchage", "8", "HA", "28,50", mht="228,50", no="1")})
DOCS["F250901_D250113"] = dict(
    head=None,  # rows disagree on ModeReglement: written explicitly below
    lines={1: L("FT-ANDAIN", "Andainage", "10", "HA", "18,00", no="1"),
           2: L("FT-FAUCH", "Fauchage", "10", "HA", "28,50", no="2")})
DOCS["F250901_D250114"] = simple("F250901_D250114", "09/09/2025", "0711", "EARL des Hauts de Loir",
                                 "Chèques", "",
                                 {1: L("FT-CURAGE", "Curage de fossés", "120", "ML", "", no="1")})

HEAD_113 = dict(NumeroDocument="F250901_D250113", DateDocument="09/09/2025", CodeClient="0710",
                NomClient="GAEC du Pré Vert", Reference="", Commentaire="", TotalTTC="558,00")

# ---- reception 2 variants ----
import copy
R2_101 = copy.deepcopy(DOCS["F250901_D250101"])
R2_101["lines"][1].update(Quantite="13,2", MontantHT="1 818,30")
R2_101["head"]["TotalTTC"] = "3 778,42 €"
R2_101["head"]["Surface"] = "13,20"
R2_102 = copy.deepcopy(DOCS["F250901_D250102"])           # unchanged content
R2_103 = copy.deepcopy(DOCS["F250901_D250103"])
R2_103["lines"][3].update(Quantite="3")
R2_103["head"]["TotalTTC"] = "1 728,19 €"

# --------------------------------------------------------------------------
# file layouts
# --------------------------------------------------------------------------
LAYOUT_A = [  # (header as written, canonical key or None for the unknown column)
    ("Date document", "DateDocument"), ("Numéro document", "NumeroDocument"),
    ("Code client", "CodeClient"), ("Nom client", "NomClient"),
    ("Mode règlement", "ModeReglement"), ("Référence", "Reference"),
    ("Commentaire", "Commentaire"), ("Numéro ligne", "NumeroLigne"),
    ("Code article", "CodeArticle"), ("Libellé article", "LibelleArticle"),
    ("Quantité", "Quantite"), ("Unité", "Unite"), ("Prix unitaire HT", "PrixUnitaireHT"),
    ("REMISE_POURCENT", "RemisePourcent"), ("Taux TVA", "TauxTVA"), ("Montant HT", "MontantHT"),
    ("Total TTC", "TotalTTC"), ("Date intervention", "DateIntervention"), ("Chantier", "Chantier"),
    ("Surface", "Surface"), ("Chauffeur", "Chauffeur"), ("Matériel", "Materiel"),
    ("Observation interne", None),
]
LAYOUT_B = [(h, k) for h, k in [
    ("NUMERO_DOCUMENT", "NumeroDocument"), ("DATE_DOCUMENT", "DateDocument"),
    ("CODE_CLIENT", "CodeClient"), ("NOM_CLIENT", "NomClient"), ("NUMERO_LIGNE", "NumeroLigne"),
    ("CODE_ARTICLE", "CodeArticle"), ("LIBELLE_ARTICLE", "LibelleArticle"),
    ("QUANTITE", "Quantite"), ("UNITE", "Unite"), ("PRIX_UNITAIRE_HT", "PrixUnitaireHT"),
    ("REMISE_POURCENT", "RemisePourcent"), ("TAUX_TVA", "TauxTVA"), ("MONTANT_HT", "MontantHT"),
    ("TOTAL_TTC", "TotalTTC"), ("MODE_REGLEMENT", "ModeReglement"), ("REFERENCE", "Reference"),
    ("COMMENTAIRE", "Commentaire"), ("DATE_INTERVENTION", "DateIntervention"),
    ("CHANTIER", "Chantier"), ("SURFACE", "Surface"), ("CHAUFFEUR", "Chauffeur"),
    ("MATERIEL", "Materiel")]]
LAYOUT_C = [
    ("Numéro Document", "NumeroDocument"), ("Date Document", "DateDocument"),
    ("Code Client", "CodeClient"), ("Nom Client", "NomClient"), ("Numéro Ligne", "NumeroLigne"),
    ("Code Article", "CodeArticle"), ("Libellé Article", "LibelleArticle"),
    ("Quantité", "Quantite"), ("Unité", "Unite"), ("Prix Unitaire HT", "PrixUnitaireHT"),
    ("Remise Pourcent", "RemisePourcent"), ("Taux TVA", "TauxTVA"), ("Montant HT", "MontantHT"),
    ("Total TTC", "TotalTTC"), ("Mode Règlement", "ModeReglement"), ("Référence", "Reference"),
    ("Commentaire", "Commentaire"),
]
CANON = {"NumeroDocument", "DateDocument", "CodeClient", "NomClient", "ModeReglement", "Reference",
         "Commentaire", "NumeroLigne", "CodeArticle", "LibelleArticle", "Quantite", "Unite",
         "PrixUnitaireHT", "RemisePourcent", "TauxTVA", "MontantHT", "TotalTTC",
         "DateIntervention", "Chantier", "Surface", "Chauffeur", "Materiel"}
for lay in (LAYOUT_A, LAYOUT_B, LAYOUT_C):
    for h, k in lay:
        if k:
            assert norm_header(h) == k.lower(), (h, k)
        else:
            assert norm_header(h) not in {c.lower() for c in CANON}


def row(layout, head, line, extra=""):
    vals = dict(head)
    vals.update(line)
    return [vals.get(k, "") if k else extra for _, k in layout]


def doc_rows(layout, doc, order, extras=None):
    extras = extras or {}
    return [row(layout, doc["head"], doc["lines"][n], extras.get(n, "")) for n in order]


# --------------------------------------------------------------------------
# expected totals
# --------------------------------------------------------------------------
def totals(doc):
    by_rate = {}
    ht_total = Decimal(0)
    for n in sorted(doc["lines"]):
        ln = doc["lines"][n]
        q, pu = num(ln["Quantite"]), num(ln["PrixUnitaireHT"])
        rem = num(ln["RemisePourcent"]) if ln["RemisePourcent"] else Decimal(0)
        amount = r2(q * pu * (1 - rem / 100))
        if ln["MontantHT"]:
            assert abs(num(ln["MontantHT"]) - amount) <= CENT, (ln, amount)
        rate = num(ln["TauxTVA"]) if ln["TauxTVA"] else Decimal(ARTICLE_VAT[ln["CodeArticle"]][1])
        by_rate[rate] = by_rate.get(rate, Decimal(0)) + amount
        ht_total += amount
    vat = sum((r2(ht * rate / 100) for rate, ht in by_rate.items()), Decimal(0))
    ttc = ht_total + vat
    warning = bool(doc["head"]["TotalTTC"]) and abs(num(doc["head"]["TotalTTC"]) - ttc) > CENT
    return dict(ht=ht_total, vat=vat, ttc=ttc, warning=warning)


def integrated(doc, status, line_order):
    t = totals(doc)
    return {"status": status, "integrated": True, "held_back": False,
            "lines": len(doc["lines"]), "total_ht": "%.2f" % t["ht"],
            "total_vat": "%.2f" % t["vat"], "total_ttc": "%.2f" % t["ttc"],
            "warning": t["warning"],
            "line_articles": [doc["lines"][n]["CodeArticle"] for n in line_order]}


def not_integrated(status, held):
    return {"status": status, "integrated": False, "held_back": held, "warning": False}


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------
def main():
    for d in (R1, R2):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)

    # ---------------- reception 1 ----------------
    # 1. tiers: Windows-1252, ';', CRLF, accented header names, a blank line
    s751 = siret("84712365", "0001")     # new client 0751
    s005 = siret("43188207", "0002")     # new supplier F005
    good753 = siret("52961742", "0003")
    bad753 = good753[:-1] + str((int(good753[-1]) + 1) % 10)
    assert not luhn_ok(bad753) and len(bad753) == 14
    assert luhn_ok("70221722900013")
    tiers_header = ["Type tiers", "Code tiers", "Code tiers parent", "Civilité", "Nom", "Prénom",
                    "Fonction", "Adresse 1", "Adresse 2", "Code postal", "Ville", "Pays",
                    "Téléphone", "Mobile", "E-mail", "SIRET", "Numéro TVA", "Mode règlement"]
    TIERS_CANON = {"typetiers", "codetiers", "codetiersparent", "civilite", "nom", "prenom",
                   "fonction", "adresse1", "adresse2", "codepostal", "ville", "pays", "telephone",
                   "mobile", "email", "siret", "numerotva", "modereglement"}
    assert {norm_header(h) for h in tiers_header} == TIERS_CANON
    T = lambda *v: list(v) + [""] * (len(tiers_header) - len(v))
    tiers_rows = [
        T("Client", "0751", "", "Société", "EARL des Peupliers", "", "", "12 rue des Peupliers", "",
          "28140", "Orgères-en-Beauce", "France", "02 37 99 12 34", "06 12 34 56 78",
          "contact@earl-peupliers.fr", spaced_siret(s751), tva_fr(s751), "Virement"),
        T("F", "F005", "", "Société", "Semences de Beauce", "", "", "ZA des Gâtines", "BP 12",
          "28200", "Châteaudun", "", "02 37 45 00 11", "", "commandes@semences-beauce.fr",
          s005, tva_fr(s005), "Virement"),
        T("CT", "", "0751", "M.", "Lefèvre", "Marc", "Gérant", "", "", "", "", "", "",
          "06 98 76 54 32", "marc.lefevre@earl-peupliers.fr"),
        T("Contact", "C2", "0705", "Mme", "Garnier", "Julie", "Comptable", "", "", "", "", "",
          "02 37 79 87 90", "", "julie.garnier@gaec-705.fr"),
        "BLANK",
        T("C", "0704", "", "", "EARL de la Vallée", "", "", "", "", "", "", "",
          "02 37 76 90 99"),
        T("Client", "0703", "", "", "SCEA de Beauregard", "", "", "14 rue de la Gare", "", "",
          "Châteaudun", "", "02 37 47 81 69", "", "contact@scea-703.fr", "70221722900013"),
        T("CT", "C1", "0702", "", "Bernard", "Sophie"),
        T("CT", "", "0799", "M.", "Roux", "Antoine", "Associé", "", "", "", "", "",
          "", "06 11 22 33 44", "antoine.roux@nouvelle-ferme.fr"),
        T("Client", "0752", "", "Société", "EARL des Genêts", "", "", "3 rue du Four", "",
          "28310", "Janville", "France", "02 37 90 45 12", "", "contact.earl-genets.fr"),
        T("Client", "0753", "", "Société", "SCEA du Puiset", "", "", "Ferme du Puiset", "",
          "28310", "Le Puiset", "France", "02 37 90 61 08", "", "scea.puiset@orange.fr",
          spaced_siret(bad753)),
    ]
    f_tiers = "ImportTiers_20250901.csv"
    write(os.path.join(R1, f_tiers), render(tiers_header, tiers_rows, ";", "\r\n"), "cp1252")

    # 2. documents A: UTF-8 BOM, ';', CRLF, reordered/renamed headers, unknown column,
    #    non-adjacent rows, NumeroLigne out of order (101) and absent (102), multi-line comment
    D = DOCS
    rows_a = []
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250101"], [3], {3: "à facturer avec le GNR"})
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250102"], [1])
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250101"], [1], {1: "rendement 92 q/ha"})
    rows_a += ["BLANK"]
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250102"], [2])
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250101"], [2])
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250103"], [1, 2, 3])
    rows_a += doc_rows(LAYOUT_A, D["F250901_D250104"], [1, 2], {1: "semence fournie par le client"})
    rows_a += ["BLANK"]
    f_a = "ImportDocuments_20250901_A.csv"
    write(os.path.join(R1, f_a), render([h for h, _ in LAYOUT_A], rows_a, ";", "\r\n"),
          "utf-8", bom=True)

    # 3. documents B: UTF-8 without BOM, ',', LF, UPPER_SNAKE headers, ISO dates with time
    rows_b = doc_rows(LAYOUT_B, D["F250901_D250105"], [1, 2]) \
        + doc_rows(LAYOUT_B, D["F250901_D250106"], [1]) \
        + doc_rows(LAYOUT_B, D["F250901_D250105"], [3]) \
        + doc_rows(LAYOUT_B, D["F250901_D250106"], [2]) + ["BLANK"]
    f_b = "ImportDocuments_20250901_B.csv"
    bytes_b = write(os.path.join(R1, f_b), render([h for h, _ in LAYOUT_B], rows_b, ",", "\n"),
                    "utf-8")

    # 4. documents C: Windows-1252, ';', LF, no final line end: unknown client + errors
    rows_c = []
    rows_c += doc_rows(LAYOUT_C, D["F250901_D250107"], [1])
    rows_c += doc_rows(LAYOUT_C, D["F250901_D250110"], [1, 2])
    rows_c += doc_rows(LAYOUT_C, D["F250901_D250111"], [1])
    rows_c += doc_rows(LAYOUT_C, D["F250901_D250112"], [1])
    rows_c.append(row(LAYOUT_C, dict(HEAD_113, ModeReglement="Chèques"), D["F250901_D250113"]["lines"][1]))
    rows_c += doc_rows(LAYOUT_C, D["F250901_D250114"], [1])
    rows_c.append(row(LAYOUT_C, dict(HEAD_113, ModeReglement="Virement"), D["F250901_D250113"]["lines"][2]))
    f_c = "ImportDocuments_20250901_C.csv"
    write(os.path.join(R1, f_c), render([h for h, _ in LAYOUT_C], rows_c, ";", "\n", final_eol=False),
          "cp1252")

    # 5. documents E: the CodeArticle column is missing -> whole file rejected
    lay_e = [(h, k) for h, k in LAYOUT_C if k not in ("CodeArticle",)]
    doc_e = simple("F250901_D250120", "10/09/2025", "0712", "GAEC de la Source", "Virement", "",
                   {1: L("FT-HERS", "Hersage rotative", "11", "HA", "34,00", no="1"),
                    2: L("FT-DEPL", "Frais de déplacement", "18", "KM", "0,85", no="2")})
    f_e = "ImportDocuments_20250901_E.csv"
    write(os.path.join(R1, f_e),
          render([h for h, _ in lay_e], doc_rows(lay_e, doc_e, [1, 2]), ";", "\r\n"), "utf-8")

    # 6. a file still being written (.part): must not be read
    lay_p = LAYOUT_C
    row_p = row(lay_p, dict(NumeroDocument="F250901_D250121", DateDocument="10/09/2025",
                            CodeClient="0713", NomClient="SCEA des Tilleuls", ModeReglement="Chèques",
                            TotalTTC="540,00"),
                L("FT-LAB", "Labour", "7,5", "HA", "60,00", mht="450,00", no="1"))
    part = render([h for h, _ in lay_p], [row_p], ";", "\r\n")
    part = part[: part.rindex(";450,00")]  # truncated mid-row, as a half-written file
    f_part = "ImportDocuments_20250901_F.csv.part"
    write(os.path.join(R1, f_part), part, "utf-8", bom=True)

    # 7. an unrecognised file (not ImportTiers*/ImportDocuments*)
    f_unk = "Planning_Interventions_20250901.csv"
    write(os.path.join(R1, f_unk),
          render(["Date", "Chauffeur", "Materiel", "Client", "Chantier"],
                 [["11/09/2025", "Kévin Hamon", "NH CR9.90", "0714", "Montboissier Nord"],
                  ["11/09/2025", "Julien Renard", "Kuhn Maxima 3", "0715", "La Butte"]],
                 ";", "\r\n"), "utf-8", bom=True)

    # ---------------- reception 2 ----------------
    # 8. same bytes as file B under another name: nothing integrated twice
    f_dup = "ImportDocuments_20250914.csv"
    with open(os.path.join(R2, f_dup), "wb") as f:
        f.write(bytes_b)
    # 9. resends: 101 changed (draft) -> Mise à jour; 102 same -> Déjà intégré;
    #    103 changed but validated -> Refusé
    rows_r2 = doc_rows(LAYOUT_A, R2_101, [1, 2, 3], {1: "rendement 92 q/ha", 3: "à facturer avec le GNR"}) \
        + doc_rows(LAYOUT_A, R2_102, [1, 2]) \
        + doc_rows(LAYOUT_A, R2_103, [1, 2, 3])
    f_r2 = "ImportDocuments_20250915.csv"
    write(os.path.join(R2, f_r2), render([h for h, _ in LAYOUT_A], rows_r2, ";", "\r\n"),
          "utf-8", bom=True)

    # ---------------- expected ----------------
    tiers_ids = [
        ("Client:0751:", "Nouveau client"),
        ("Fournisseur:F005:", "Nouveau fournisseur"),
        ("Contact:Lefèvre Marc:0751", "Nouveau contact"),
        ("Contact:C2:0705", "Nouveau contact"),
        None,  # blank line
        ("Client:0704:", "Mise à jour"),
        ("Client:0703:", "Identique"),
        ("Contact:C1:0702", "Identique"),
        ("Contact:Roux Antoine:0799", "Erreur"),
        ("Client:0752:", "Erreur"),
        ("Client:0753:", "Erreur"),
    ]
    assert len(tiers_ids) == len(tiers_rows)
    tiers_exp = {}
    for i, t in enumerate(tiers_ids):
        if t:
            tiers_exp[t[0]] = {"status": t[1], "file": f_tiers, "line": i + 2}

    docs1 = {
        "F250901_D250101": integrated(D["F250901_D250101"], "Nouveau document", [1, 2, 3]),
        "F250901_D250102": integrated(D["F250901_D250102"], "Nouveau document", [1, 2]),
        "F250901_D250103": integrated(D["F250901_D250103"], "Nouveau document", [1, 2, 3]),
        "F250901_D250104": not_integrated("Article sans correspondance : FT-SEMMAIS", True),
        "F250901_D250105": integrated(D["F250901_D250105"], "Nouveau document", [1, 2, 3]),
        "F250901_D250106": integrated(D["F250901_D250106"], "Nouveau document", [1, 2]),
        "F250901_D250107": not_integrated("Client inconnu : 0799", True),
        "F250901_D250110": not_integrated("Erreur", False),
        "F250901_D250111": not_integrated("Erreur", False),
        "F250901_D250112": not_integrated("Erreur", False),
        "F250901_D250113": not_integrated("Erreur", False),
        "F250901_D250114": not_integrated("Erreur", False),
    }
    gc1 = {"F250901_D250101": "BL000001", "F250901_D250102": "BL000002",
           "F250901_D250103": "BL000003", "F250901_D250105": "BL000004",
           "F250901_D250106": "BL000005"}
    docs2 = {
        "F250901_D250101": integrated(R2_101, "Mise à jour", [1, 2, 3]),
        "F250901_D250102": not_integrated("Déjà intégré", False),
        "F250901_D250103": not_integrated("Refusé : document déjà validé", False),
        "F250901_D250104": integrated(D["F250901_D250104"], "Nouveau document", [1, 2]),
        "F250901_D250107": not_integrated("Client inconnu : 0799", True),
    }
    gc2 = dict(gc1, **{"F250901_D250104": "BL000006"})

    expected = {
        "operator_steps_between": {"map": {"FT-SEMMAIS": "SEMMAIS"},
                                   "validate": ["F250901_D250103"]},
        "reception1": {
            "files": {f_tiers: "archived", f_a: "archived", f_b: "archived", f_c: "archived",
                      f_e: "erreurs", f_part: "not read", f_unk: "left in place"},
            "documents": docs1,
            "tiers": tiers_exp,
            "gc_numbers": gc1,
        },
        "reception2": {
            "files": {f_dup: "archived", f_r2: "archived"},
            "documents": docs2,
            "tiers": {},
            "gc_numbers": gc2,
        },
    }

    # hand-checked values (independent of the code above)
    hand = {
        ("reception1", "F250901_D250101"): ("3052.26", "610.45", "3662.71", False),
        ("reception1", "F250901_D250102"): ("266.80", "53.36", "320.16", False),
        ("reception1", "F250901_D250103"): ("1555.50", "133.69", "1689.19", True),
        ("reception1", "F250901_D250105"): ("283.30", "56.66", "339.96", False),
        ("reception1", "F250901_D250106"): ("1266.75", "253.35", "1520.10", False),
        ("reception2", "F250901_D250101"): ("3148.68", "629.74", "3778.42", False),
        ("reception2", "F250901_D250104"): ("837.50", "167.50", "1005.00", False),
    }
    for (rec, no), (ht, vat, ttc, w) in hand.items():
        d = expected[rec]["documents"][no]
        assert (d["total_ht"], d["total_vat"], d["total_ttc"], d["warning"]) == (ht, vat, ttc, w), (rec, no, d)

    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
        f.write("\n")

    for d in (R1, R2):
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            print(os.path.relpath(p, HERE), hashlib.sha256(open(p, "rb").read()).hexdigest()[:16])


if __name__ == "__main__":
    main()
