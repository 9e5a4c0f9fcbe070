import pypdfium2 as pdfium
import pytest

from labels.notice import NoticeData, NoticeTooLong, render_notice

SECTIONS = (
    (
        "Pourquoi nous gardons vos données",
        "Pour vous remettre un appareil et une connexion, suivre la garantie et rendre compte, sans vous nommer, "
        "de notre action à nos financeurs.",
    ),
    (
        "Combien de temps",
        "Votre dossier est gardé 3 ans après la dernière remise, puis effacé. Les attestations de remise sont "
        "gardées 10 ans, comme toute pièce comptable.",
    ),
    (
        "Qui voit quoi",
        "Le travailleur social qui vous oriente voit votre dossier et sa suite. Les médiateurs du site voient ce "
        "qu'il faut pour vous remettre le matériel. L'atelier ne voit jamais votre nom.",
    ),
    (
        "Vos droits",
        "Vous pouvez lire, corriger ou faire effacer vos données, et vous opposer à leur usage. Si vous pensez que "
        "vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (www.cnil.fr).",
    ),
    ("Nous contacter", "Écrivez à dpo@bagage.example.org ou demandez au médiateur de votre site."),
)


def notice(**overrides) -> NoticeData:
    fields = {
        "title": "Vos données chez Bagage Solidaire",
        "version": "Version 3 – septembre 2026",
        "charity": "Bagage Solidaire",
        "contact": "12 rue de la République, 93200 Saint-Denis\ndpo@bagage.example.org · 01 23 45 67 89",
        "sections": SECTIONS,
        "footer": "Cette notice est remise avec chaque attestation ; elle se lit aussi sur bagage.example.org/notice.",
    }
    return NoticeData(**(fields | overrides))


def pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def test_the_notice_is_one_page_that_reads_back():
    (text,) = pages(render_notice(notice()))
    for expected in (
        "Vos données chez Bagage Solidaire",
        "Version 3 – septembre 2026",
        "dpo@bagage.example.org",
        "Combien de temps",
        "Qui voit quoi",
        "réclamation à la CNIL",
        "bagage.example.org/notice",
    ):
        assert expected in text, expected


def test_the_referral_number_appears_only_when_given():
    assert "Orientation" not in pages(render_notice(notice()))[0]
    (text,) = pages(render_notice(notice(referral="Votre orientation : n° 42")))
    assert "Votre orientation : n° 42" in text


def test_a_long_notice_shrinks_a_step_and_stays_on_one_page():
    longer = tuple((heading, " ".join([paragraph] * 6)) for heading, paragraph in SECTIONS)
    short_text, long_text = render_notice(notice()), render_notice(notice(sections=longer))
    assert len(pages(long_text)) == 1
    assert "CNIL" in pages(long_text)[0]

    def font_size(content: bytes) -> float:
        text_page = pdfium.PdfDocument(content)[0].get_textpage()
        index = pages(content)[0].index("Combien de temps") + 20  # a character of the next paragraph
        return pdfium.raw.FPDFText_GetFontSize(text_page, index)

    assert font_size(long_text) < font_size(short_text)


def test_a_notice_that_cannot_fit_one_page_is_refused():
    with pytest.raises(NoticeTooLong):
        render_notice(notice(sections=SECTIONS * 12))


def test_the_same_notice_renders_to_the_same_bytes():
    assert render_notice(notice()) == render_notice(notice())
