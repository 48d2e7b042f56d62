//! The act and the invoice as A4 PDF: the same lines as [`Document::text_lines`], laid out as a
//! bookkeeper expects (the parties, a table of work, totals, the amount in words, signatures),
//! with a TrueType font embedded so Cyrillic reads back from any PDF reader.
//!
//! The font is DejaVu Sans from Debian's `fonts-dejavu-core` (`./dev` installs it), or the file
//! named by `HOURBANK_PDF_FONT`.

use std::sync::OnceLock;

use hourbank_domain::documents::{money, Document, DocumentKind};
use printpdf::{IndirectFontRef, Line, Mm, PdfDocument, PdfLayerReference, Point};

pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The font's bytes, read once; the error says which file is missing.
fn font_bytes() -> Result<&'static [u8], String> {
    static FONT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let path = std::env::var("HOURBANK_PDF_FONT").unwrap_or_else(|_| DEFAULT_FONT.to_string());
        std::fs::read(&path).map_err(|e| {
            format!("the PDF font {path} cannot be read ({e}): install fonts-dejavu-core or set HOURBANK_PDF_FONT")
        })
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
}

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 20.0;
const RIGHT: f32 = PAGE_W - 15.0;
const BOTTOM: f32 = 20.0;

/// Where the next line goes, turning pages as needed.
struct Writer<'a> {
    doc: &'a printpdf::PdfDocumentReference,
    layer: PdfLayerReference,
    font: IndirectFontRef,
    face: ttf_parser::Face<'static>,
    y: f32,
}

impl Writer<'_> {
    /// Width of `text` at `size` points, in millimetres.
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| self.face.glyph_index(c).and_then(|g| self.face.glyph_hor_advance(g)).map_or(500, u32::from))
            .sum();
        units as f32 / f32::from(self.face.units_per_em()) * size * 25.4 / 72.0
    }

    /// Splits `text` into lines no wider than `width` mm.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split(' ') {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if !current.is_empty() && self.width(&candidate, size) > width {
                lines.push(std::mem::replace(&mut current, word.to_string()));
            } else {
                current = candidate;
            }
        }
        lines.push(current);
        lines
    }

    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "Слой 1");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = PAGE_H - 20.0;
        }
    }

    fn text_at(&self, text: &str, size: f32, x: f32) {
        self.layer.use_text(text, size, Mm(x), Mm(self.y), &self.font);
    }

    fn right_at(&self, text: &str, size: f32, right: f32) {
        self.text_at(text, size, right - self.width(text, size));
    }

    /// A paragraph across the page, wrapped.
    fn paragraph(&mut self, text: &str, size: f32) {
        let step = size * 0.45;
        for line in self.wrap(text, size, RIGHT - LEFT) {
            self.need(step);
            self.y -= step;
            self.text_at(&line, size, LEFT);
        }
    }

    fn rule(&self, from: f32, to: f32) {
        let line = Line {
            points: vec![(Point::new(Mm(from), Mm(self.y)), false), (Point::new(Mm(to), Mm(self.y)), false)],
            is_closed: false,
        };
        self.layer.add_line(line);
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }
}

/// The document as PDF bytes.
pub fn render(document: &Document) -> Result<Vec<u8>, String> {
    let bytes = font_bytes()?;
    let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| format!("the PDF font cannot be parsed: {e}"))?;
    let title = document.title();
    let (doc, page, layer) = PdfDocument::new(&title, Mm(PAGE_W), Mm(PAGE_H), "Слой 1");
    let font = doc.add_external_font(bytes).map_err(|e| format!("the PDF font cannot be embedded: {e}"))?;
    let layer = doc.get_page(page).get_layer(layer);
    let mut w = Writer { doc: &doc, layer, font, face, y: PAGE_H - 15.0 };
    let lines = document.text_lines();
    // The text lines are, in order: title, [preliminary note], «за …», the parties, the work
    // lines (laid out as a table here), the totals, the count and the words.
    let mut rest = lines.iter().map(String::as_str).peekable();
    w.paragraph(rest.next().unwrap_or_default(), 14.0);
    w.gap(1.0);
    while let Some(line) = rest.next_if(|l| !l.starts_with("1. ") && !l.starts_with("Итого")) {
        let heading = ["Исполнитель:", "Заказчик:", "Поставщик:", "Покупатель:"].iter().any(|h| line.starts_with(h));
        if heading {
            w.gap(2.0);
        }
        w.paragraph(line, if heading { 10.5 } else { 9.5 });
    }
    // The table of work.
    const COLS: [f32; 6] = [LEFT, LEFT + 8.0, LEFT + 100.0, LEFT + 117.0, LEFT + 129.0, RIGHT];
    w.gap(4.0);
    w.need(12.0);
    w.rule(LEFT, RIGHT);
    w.gap(4.0);
    for (x, head) in COLS.iter().zip(["№", "Наименование работ, услуг", "Кол-во", "Ед.", "Цена"])
    {
        w.text_at(head, 8.5, x + 1.0);
    }
    w.right_at("Сумма", 8.5, RIGHT - 1.0);
    w.gap(2.0);
    w.rule(LEFT, RIGHT);
    for (i, line) in document.lines.iter().enumerate() {
        let wrapped = w.wrap(&line.name, 9.0, COLS[2] - COLS[1] - 2.0);
        w.need(4.5 * wrapped.len() as f32 + 2.0);
        w.gap(4.5);
        w.text_at(&(i + 1).to_string(), 9.0, COLS[0] + 1.0);
        w.right_at(&line.quantity_ru(), 9.0, COLS[3] - 2.0);
        w.text_at(&line.unit, 9.0, COLS[3] + 1.0);
        w.right_at(&money(line.price), 9.0, RIGHT - 30.0);
        w.right_at(&money(line.amount), 9.0, RIGHT - 1.0);
        for (k, part) in wrapped.iter().enumerate() {
            if k > 0 {
                w.gap(4.0);
            }
            w.text_at(part, 9.0, COLS[1] + 1.0);
        }
        w.gap(1.5);
        w.rule(LEFT, RIGHT);
    }
    // Totals, right-aligned under the table.
    while rest.next_if(|l| !l.starts_with("Итого")).is_some() {}
    w.gap(2.0);
    for total in &document.totals {
        w.need(5.0);
        w.gap(5.0);
        match total.amount {
            Some(amount) => {
                w.right_at(&format!("{}:", total.label), 10.0, RIGHT - 32.0);
                w.right_at(&money(amount), 10.0, RIGHT - 1.0);
            }
            None => w.right_at(&total.label, 10.0, RIGHT - 1.0),
        }
    }
    w.gap(4.0);
    for line in rest.skip(document.totals.len()) {
        w.paragraph(line, 10.0);
    }
    w.gap(14.0);
    w.need(10.0);
    let (left, right) = match document.kind {
        DocumentKind::Act => ("Исполнитель", "Заказчик"),
        DocumentKind::Invoice => ("Руководитель", "Бухгалтер"),
    };
    w.text_at(&format!("{left} ____________________"), 10.0, LEFT);
    w.text_at(&format!("{right} ____________________"), 10.0, LEFT + 95.0);
    let bytes = doc.save_to_bytes().map_err(|e| format!("the PDF cannot be written: {e}"))?;
    with_unicode_title(&bytes, &title)
}

/// The PDF with its information dictionary's title in UTF-16BE (a text string with its byte-order
/// mark, PDF 32000-1 §7.9.2.2): the only way a PDF's metadata holds Cyrillic.
fn with_unicode_title(bytes: &[u8], title: &str) -> Result<Vec<u8>, String> {
    let failed = |e: lopdf::Error| format!("the PDF's title cannot be set: {e}");
    let mut pdf = lopdf::Document::load_mem(bytes).map_err(failed)?;
    let info = pdf.trailer.get(b"Info").and_then(lopdf::Object::as_reference).map_err(failed)?;
    let mut text = vec![0xfe, 0xff];
    text.extend(title.encode_utf16().flat_map(u16::to_be_bytes));
    let info = pdf.get_object_mut(info).and_then(lopdf::Object::as_dict_mut).map_err(failed)?;
    info.set("Title", lopdf::Object::String(text, lopdf::StringFormat::Hexadecimal));
    let mut out = Vec::with_capacity(bytes.len());
    pdf.save_to(&mut out).map_err(|e| format!("the PDF cannot be written: {e}"))?;
    Ok(out)
}
