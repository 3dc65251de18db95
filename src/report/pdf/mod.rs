//! The PDF report, drawn in-process with krilla on A4 pages in the embedded DejaVu Sans fonts (so it looks the same
//! everywhere and `pdftotext` reads it): [`content`] says what goes on the pages, [`layout`] places and wraps it,
//! and this module draws the result. Rendering never panics: if the library fails, the report is a one-page PDF
//! saying it could not be drawn.

mod content;
mod fixes;
mod layout;
mod metrics;
mod summary;

use super::ReportData;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use layout::{Face, Item, Layout, PAGE_H, PAGE_W, Rgb};

/// The PDF report.
pub fn render(data: &ReportData) -> Vec<u8> {
    let title = format!("Palisade report {}", super::one_line(&data.scan.id));
    // A panic inside the PDF library on some odd text must not take the caller (a server) down with it.
    let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut l = Layout::new();
        content::report(&mut l, data);
        let pages = l.finish(|page, pages| format!("{title} · page {page} of {pages}"));
        draw(&pages, &title)
    }));
    match drawn {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            tracing::warn!(scan = %data.scan.id, error = %e, "the PDF report could not be drawn");
            fallback(&title)
        }
        Err(_) => {
            tracing::warn!(scan = %data.scan.id, "the PDF report could not be drawn (the PDF library panicked)");
            fallback(&title)
        }
    }
}

/// The embedded fonts.
struct Fonts {
    regular: Font,
    bold: Font,
    mono: Font,
}

impl Fonts {
    fn load() -> Option<Fonts> {
        Some(Fonts {
            regular: Font::new(dejavu::sans::regular().into(), 0)?,
            bold: Font::new(dejavu::sans::bold().into(), 0)?,
            mono: Font::new(dejavu::sans_mono::regular().into(), 0)?,
        })
    }

    fn get(&self, face: Face) -> Font {
        match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
            Face::Mono => self.mono.clone(),
        }
    }
}

/// Draws laid-out pages into a PDF document.
fn draw(pages: &[Vec<Item>], title: &str) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load().ok_or("the embedded font cannot be read")?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator(super::generator())
            .producer(super::generator())
            .language("en".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("bad page size")?;
    for items in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for item in items {
            draw_item(&mut surface, item, &fonts);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| format!("{e:?}"))
}

fn fill(surface: &mut Surface<'_>, c: Rgb) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }));
}

fn draw_item(surface: &mut Surface<'_>, item: &Item, fonts: &Fonts) {
    match item {
        Item::Text {
            x,
            y,
            style,
            text,
            rtl,
        } => {
            if text.trim().is_empty() {
                return;
            }
            fill(surface, style.colour);
            surface.draw_text(
                Point::from_xy(*x, *y),
                fonts.get(style.face),
                style.size,
                text,
                false,
                if *rtl {
                    TextDirection::RightToLeft
                } else {
                    TextDirection::LeftToRight
                },
            );
        }
        Item::Rect { x, y, w, h, colour } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                fill(surface, *colour);
                surface.draw_path(&path);
            }
        }
    }
}

/// A minimal valid one-page PDF (standard Helvetica, nothing embedded) saying the report could not be drawn.
fn fallback(title: &str) -> Vec<u8> {
    let text: String =
        format!("{title}: the report could not be drawn. Use the HTML report instead.")
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .map(|c| {
                if matches!(c, '(' | ')' | '\\') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    let stream = format!("BT /F1 12 Tf 50 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        table.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests;
