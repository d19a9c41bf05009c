/**
 * `rnnlab/io`: safetensors as bytes, in any runtime. `saveSafetensors(stateDict, metadata)` gives the bytes of a
 * file PyTorch's `safetensors.torch.load_file` reads; `loadSafetensors(bytes)` reads one (F32/F64/F16/BF16 tensors
 * as Float32Array). File paths: `readSafetensorsFile` / `writeSafetensorsFile` in `rnnlab/node`.
 */
import type { StateDict } from '../nn/module.js';
import {
  type DecodeOptions,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsContents,
  type SafetensorsTensor,
} from '../nn/safetensors.js';
import { Tensor } from '../tensor/tensor.js';

export {
  type DecodeOptions,
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  type SafetensorsContents,
  SafetensorsError,
  type SafetensorsTensor,
} from '../nn/safetensors.js';

/**
 * The bytes of a safetensors file holding `stateDict` (e.g. `model.stateDict()`: name → Tensor, or
 * name → { shape, data }) and string `metadata`.
 */
export function saveSafetensors(
  stateDict: StateDict | Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, v] of Object.entries(stateDict)) {
    tensors[name] =
      v instanceof Tensor
        ? { shape: [...v.shape], data: Float32Array.from(v.data) }
        : { shape: [...(v as SafetensorsTensor).shape], data: (v as SafetensorsTensor).data };
  }
  return encodeSafetensors(tensors, metadata);
}

/** Tensors (name → { shape, data }) and metadata of safetensors `bytes`; pass `tensors` to `loadStateDict`. */
export function loadSafetensors(
  bytes: Uint8Array,
  options: DecodeOptions & { sourceName?: string } = {},
): SafetensorsContents {
  return decodeSafetensors(bytes, options.sourceName ?? 'safetensors bytes', options);
}
