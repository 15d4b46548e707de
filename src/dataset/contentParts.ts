import { describeType, isRecord, quote, type LineFindings } from './json.js';

/** Vision fine-tuning accepts JPEG, PNG and WEBP, by URL or as a base64 data URL. */
const DATA_URL = /^data:image\/(jpeg|jpg|png|webp);base64,/i;
const HTTP_URL = /^https?:\/\//i;

export interface PartRules {
  /** Only user messages may carry images, and only in formats that allow them. */
  allowImages: boolean;
  /** Assistant content may hold a `refusal` part. */
  allowRefusal: boolean;
}

/**
 * Checks a content-parts array; returns the number of images. `label` names the message
 * (e.g. `message 3 (user)`).
 */
export function checkContentParts(
  parts: unknown[],
  label: string,
  rules: PartRules,
  out: LineFindings,
): number {
  if (parts.length === 0) {
    out.errors.push(`${label} has an empty content list; give the text as a string or add parts`);
    return 0;
  }
  let images = 0;
  parts.forEach((part, i) => {
    const where = `content part ${i + 1} of ${label}`;
    if (!isRecord(part)) {
      out.errors.push(`${where} is ${describeType(part)}; use {"type": "text", "text": "..."}`);
      return;
    }
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string')
          out.errors.push(`${where} has type "text" but no string "text"; add the text`);
        return;
      case 'refusal':
        if (!rules.allowRefusal)
          out.errors.push(`${where} is a refusal, which only assistant messages may hold`);
        else if (typeof part.refusal !== 'string')
          out.errors.push(`${where} has type "refusal" but no string "refusal"; add the text`);
        return;
      case 'image_url':
        if (!rules.allowImages) {
          out.errors.push(
            `${where} is an image; images are only allowed in user messages of supervised (vision) data`,
          );
          return;
        }
        images++;
        checkImageUrl(part.image_url, where, out);
        return;
      default:
        out.errors.push(
          `${where} has type ${quote(part.type)}; fine-tuning accepts "text" parts` +
            (rules.allowImages ? ' and "image_url" parts' : ''),
        );
    }
  });
  return images;
}

function checkImageUrl(imageUrl: unknown, where: string, out: LineFindings): void {
  const url = isRecord(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== 'string') {
    out.errors.push(`${where} needs "image_url": {"url": "https://… or data:image/png;base64,…"}`);
    return;
  }
  if (url.startsWith('data:') ? !DATA_URL.test(url) : !HTTP_URL.test(url)) {
    out.errors.push(
      `${where} has image URL ${quote(url)}; use an http(s) URL or a base64 data URL of a JPEG, PNG or WEBP image`,
    );
  }
  const detail = isRecord(imageUrl) ? imageUrl.detail : undefined;
  if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    out.errors.push(`${where} has detail ${quote(detail)}; use "auto", "low" or "high"`);
  }
}

/** Plain text of a content value (string or parts); images shown by `image` (default: omitted). */
export function contentText(content: unknown, image?: (url: string) => string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
    else if (part.type === 'image_url' && image && isRecord(part.image_url)) {
      const url = part.image_url.url;
      if (typeof url === 'string') texts.push(image(url));
    }
  }
  return texts.join('\n');
}
