// Printable images of a register's QR payload (the qrcode library): SVG for print, PNG for phones.
import QRCode from "qrcode";

/** Error correction M survives a smudged or folded print (about 15% of the modules). */
const OPTIONS = { errorCorrectionLevel: "M" as const, margin: 2 };

/** The QR code as an SVG document. */
export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { ...OPTIONS, type: "svg" });
}

/** The QR code as a PNG data URL (`data:image/png;base64,…`). */
export function qrPngDataUrl(payload: string): Promise<string> {
  return QRCode.toDataURL(payload, { ...OPTIONS, type: "image/png", width: 512 });
}
