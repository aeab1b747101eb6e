/** The text of each page of a PDF, read with Mozilla's pdf.js (its legacy build runs on Node without a DOM). */

interface TextItem {
  readonly str?: string;
  readonly hasEOL?: boolean;
}

/** One string per page, items joined by spaces and line ends by newlines. */
export async function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const content = await page.getTextContent();
      pages.push(
        (content.items as TextItem[]).map((item) => `${item.str ?? ''}${item.hasEOL === true ? '\n' : ' '}`).join(''),
      );
    }
    return pages;
  } finally {
    await document.destroy();
  }
}
