// A safetensors reader written from the format's specification (huggingface/safetensors README), not
// from our writer: 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON mapping each tensor name to
// {dtype, shape, data_offsets: [begin, end)} relative to the byte buffer that follows the header, plus
// an optional "__metadata__" string map. Checks what the specification requires: offsets inside the
// buffer, sizes matching dtype x shape, no overlaps and no holes.

export interface SafeTensor {
  dtype: string;
  shape: number[];
  data: Float64Array; // values widened to f64 for the reference forward pass
}

const BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function readSafetensors(file: Uint8Array): {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
} {
  if (file.length < 8) throw new Error('safetensors: shorter than the 8-byte header length');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > file.length) throw new Error(`safetensors: header length ${n} runs past the end of the file`);
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  if (!headerText.startsWith('{')) throw new Error('safetensors: the header must start with "{"');
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const buffer = file.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string') throw new Error(`safetensors: __metadata__.${k} is not a string`);
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: off,
    } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const size = BYTES[dtype];
    if (size === undefined) throw new Error(`safetensors: ${name} has unknown dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(off[0] >= 0 && off[0] <= off[1] && off[1] <= buffer.length))
      throw new Error(`safetensors: ${name} offsets ${off} outside the buffer`);
    if (off[1] - off[0] !== count * size)
      throw new Error(`safetensors: ${name} spans ${off[1] - off[0]} bytes, ${dtype} x ${shape} needs ${count * size}`);
    spans.push([off[0], off[1], name]);
    if (dtype !== 'F32') throw new Error(`this reader widens F32 only, ${name} is ${dtype}`);
    const data = new Float64Array(count);
    const tv = new DataView(buffer.buffer, buffer.byteOffset + off[0], off[1] - off[0]);
    for (let i = 0; i < count; i++) data[i] = tv.getFloat32(4 * i, true);
    tensors.set(name, { dtype, shape, data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let end = 0;
  for (const [b, e, name] of spans) {
    if (b !== end) throw new Error(`safetensors: ${b < end ? 'overlap' : 'hole'} before ${name}`);
    end = e;
  }
  if (end !== buffer.length) throw new Error(`safetensors: ${buffer.length - end} bytes after the last tensor`);
  return { tensors, metadata };
}
