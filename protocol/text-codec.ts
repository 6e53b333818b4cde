// TextEncoder/TextDecoder exist in every browser and in Node, but they are
// declared by the DOM and Node type libraries, which this layer must not use.
// Declaring the small part we need keeps protocol/ free of both.
interface Utf8Encoder {
  encode(input: string): Uint8Array;
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
declare const TextEncoder: { new (): Utf8Encoder };
declare const TextDecoder: { new (label?: string, options?: { fatal?: boolean }): Utf8Decoder };

export const utf8Encoder: Utf8Encoder = new TextEncoder();
/** Strict decoder: invalid UTF-8 in a JSON frame is a protocol error, not mojibake. */
export const strictUtf8Decoder: Utf8Decoder = new TextDecoder('utf-8', { fatal: true });
