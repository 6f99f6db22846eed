'use strict';
// ---------------------------------------------------------------------------------------------
// Decoders for the file preview: what kind a file is, binary PGM (P5), and DICOM Part 10 with
// uncompressed little-endian pixels (explicit or implicit VR, 8 or 16 bits, monochrome). Pure
// functions over ArrayBuffers; drawing is the console's business.
// ---------------------------------------------------------------------------------------------

/** 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'pgm' | 'dicom' | null, from the bytes (and the name as a hint). */
function sniffFileKind(buffer, name) {
  const b = new Uint8Array(buffer, 0, Math.min(buffer.byteLength, 140));
  const starts = (...bytes) => bytes.every((v, i) => b[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'webp';
  if (starts(0x42, 0x4d)) return 'bmp';
  if (starts(0x50, 0x35) && b.length > 2 && isPnmSpace(b[2])) return 'pgm';
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return 'dicom';
  if (/\.dcm$/i.test(name) || (b.length >= 2 && b[0] === 0x08 && b[1] === 0x00)) return 'dicom'; // a dataset without preamble
  return null;
}

function isPnmSpace(byte) {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

/** Binary PGM (P5): { width, height, grey: Uint8ClampedArray } scaled to 0..255. Throws on a malformed file. */
function decodePgm(buffer) {
  const bytes = new Uint8Array(buffer);
  let at = 2;
  const fields = [];
  while (fields.length < 3) {
    while (at < bytes.length && (isPnmSpace(bytes[at]) || bytes[at] === 0x23)) {
      if (bytes[at] === 0x23) { while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++; } // # comment
      else at++;
    }
    let digits = '';
    while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) digits += String.fromCharCode(bytes[at++]);
    if (digits === '') throw new Error('PGM header: expected width, height and maxval');
    fields.push(Number(digits));
  }
  const [width, height, maxval] = fields;
  if (!isPnmSpace(bytes[at])) throw new Error('PGM header: no white space after maxval');
  at++; // exactly one white-space byte before the raster
  if (width < 1 || height < 1 || maxval < 1 || maxval > 65535) throw new Error(`PGM header: bad values ${width}x${height} maxval ${maxval}`);
  const sampleBytes = maxval < 256 ? 1 : 2;
  const count = width * height;
  if (bytes.length - at < count * sampleBytes) throw new Error(`PGM raster: ${count * sampleBytes} bytes expected, ${bytes.length - at} present`);
  const grey = new Uint8ClampedArray(count);
  for (let i = 0; i < count; i++) {
    const value = sampleBytes === 1 ? bytes[at + i] : (bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1];
    grey[i] = Math.round((value * 255) / maxval);
  }
  return { width, height, grey };
}

// ---- DICOM -----------------------------------------------------------------------------------

const DICOM_TRANSFER_SYNTAXES = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', explicit: false, supported: true },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', explicit: true, supported: true },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', explicit: true, supported: false },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', explicit: true, supported: false },
};

/** VRs whose explicit-VR length field is 4 bytes, after 2 reserved bytes (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** The header fields the console reads or shows: tag (gggg,eeee as 8 hex digits) -> [keyword, VR, patient?]. */
const DICOM_FIELDS = {
  '00020010': ['TransferSyntaxUID', 'UI'],
  '00080016': ['SOPClassUID', 'UI'],
  '00080018': ['SOPInstanceUID', 'UI'],
  '00080020': ['StudyDate', 'DA'],
  '00080030': ['StudyTime', 'TM'],
  '00080050': ['AccessionNumber', 'SH', true],
  '00080060': ['Modality', 'CS'],
  '00080070': ['Manufacturer', 'LO'],
  '00080080': ['InstitutionName', 'LO', true],
  '00080090': ['ReferringPhysicianName', 'PN', true],
  '00081030': ['StudyDescription', 'LO'],
  '0008103E': ['SeriesDescription', 'LO'],
  '00100010': ['PatientName', 'PN', true],
  '00100020': ['PatientID', 'LO', true],
  '00100030': ['PatientBirthDate', 'DA', true],
  '00100040': ['PatientSex', 'CS', true],
  '00101010': ['PatientAge', 'AS', true],
  '00180050': ['SliceThickness', 'DS'],
  '0020000D': ['StudyInstanceUID', 'UI'],
  '00200013': ['InstanceNumber', 'IS'],
  '00280002': ['SamplesPerPixel', 'US'],
  '00280004': ['PhotometricInterpretation', 'CS'],
  '00280008': ['NumberOfFrames', 'IS'],
  '00280010': ['Rows', 'US'],
  '00280011': ['Columns', 'US'],
  '00280030': ['PixelSpacing', 'DS'],
  '00280100': ['BitsAllocated', 'US'],
  '00280101': ['BitsStored', 'US'],
  '00280102': ['HighBit', 'US'],
  '00280103': ['PixelRepresentation', 'US'],
  '00281050': ['WindowCenter', 'DS'],
  '00281051': ['WindowWidth', 'DS'],
  '00281052': ['RescaleIntercept', 'DS'],
  '00281053': ['RescaleSlope', 'DS'],
  '7FE00010': ['PixelData', 'OW'],
};

/** Any element of group 0010 (Patient) identifies a person, listed or not. */
function isPatientTag(tag) {
  return tag.startsWith('0010') || DICOM_FIELDS[tag]?.[2] === true;
}

class DicomError extends Error {}

/**
 * Parses a DICOM Part 10 file (or a bare dataset) up to its pixel data.
 * Returns { transferSyntax, explicit, fields: Map(tag -> { keyword, value, patient }), pixelOffset, pixelLength }.
 */
function parseDicom(buffer) {
  const view = new DataView(buffer);
  const text = (offset, length) => {
    let s = '';
    for (let i = 0; i < length; i++) {
      const c = view.getUint8(offset + i);
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  const hasPreamble = buffer.byteLength >= 132 && text(128, 4) === 'DICM';
  let at = hasPreamble ? 132 : 0;
  const fields = new Map();
  let transferSyntax = null;
  // File meta information (group 0002) is always explicit VR little endian.
  let explicit = true;
  if (!hasPreamble) {
    // A bare dataset: explicit when bytes 4-5 spell a VR.
    const vr = buffer.byteLength >= 6 ? text(4, 2) : '';
    explicit = /^[A-Z]{2}$/.test(vr);
  }
  let inMeta = hasPreamble;
  let pixelOffset = -1;
  let pixelLength = 0;

  while (at + 8 <= buffer.byteLength) {
    const group = view.getUint16(at, true);
    if (inMeta && group !== 0x0002) {
      inMeta = false;
      const syntax = DICOM_TRANSFER_SYNTAXES[transferSyntax];
      if (syntax === undefined) throw new DicomError(`transfer syntax ${transferSyntax ?? '(none)'} is compressed or unknown; the console shows uncompressed little-endian files only`);
      if (!syntax.supported) throw new DicomError(`transfer syntax ${syntax.name} is not supported by the console; it shows little-endian files only`);
      explicit = syntax.explicit;
    }
    const element = readElement(view, at, explicit || inMeta, text);
    const tag = hex4(element.group) + hex4(element.element);
    if (tag === '7FE00010') {
      if (element.length === 0xffffffff) throw new DicomError('the pixel data is encapsulated (compressed); the console shows uncompressed files only');
      pixelOffset = element.valueOffset;
      pixelLength = Math.min(element.length, buffer.byteLength - element.valueOffset);
      break;
    }
    if (element.length === 0xffffffff) {
      at = skipUndefinedLength(view, element.valueOffset, explicit || inMeta, text);
      continue;
    }
    if (element.valueOffset + element.length > buffer.byteLength) throw new DicomError(`element (${hex4(element.group)},${hex4(element.element)}) runs past the end of the file`);
    const known = DICOM_FIELDS[tag];
    if (known !== undefined || element.group === 0x0010) {
      const vr = element.vr ?? known?.[1] ?? 'UN';
      fields.set(tag, {
        keyword: known?.[0] ?? `(${hex4(element.group)},${hex4(element.element)})`,
        value: elementValue(view, element.valueOffset, element.length, vr, text),
        patient: isPatientTag(tag),
      });
    }
    if (tag === '00020010') transferSyntax = fields.get(tag).value.trim();
    at = element.valueOffset + element.length;
  }
  if (!hasPreamble && transferSyntax === null) transferSyntax = explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
  return { transferSyntax, explicit, fields, pixelOffset, pixelLength };
}

function hex4(n) {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function readElement(view, at, explicit, text) {
  const group = view.getUint16(at, true);
  const element = view.getUint16(at + 2, true);
  // Item and delimiter tags (FFFE,xxxx) have no VR in either encoding.
  if (!explicit || group === 0xfffe) {
    return { group, element, vr: null, length: view.getUint32(at + 4, true), valueOffset: at + 8 };
  }
  const vr = text(at + 4, 2);
  if (LONG_VRS.has(vr)) {
    if (at + 12 > view.byteLength) throw new DicomError('the file ends inside an element header');
    return { group, element, vr, length: view.getUint32(at + 8, true), valueOffset: at + 12 };
  }
  return { group, element, vr, length: view.getUint16(at + 6, true), valueOffset: at + 8 };
}

/** Skips a sequence (or item) of undefined length: returns the offset after its delimiter. */
function skipUndefinedLength(view, at, explicit, text) {
  while (at + 8 <= view.byteLength) {
    const e = readElement(view, at, explicit, text);
    if (e.group === 0xfffe && e.element === 0xe0dd) return e.valueOffset; // sequence delimiter
    if (e.group === 0xfffe && e.element === 0xe00d) return e.valueOffset; // item delimiter
    at = e.length === 0xffffffff ? skipUndefinedLength(view, e.valueOffset, explicit, text) : e.valueOffset + e.length;
  }
  throw new DicomError('a sequence of undefined length has no delimiter');
}

function elementValue(view, at, length, vr, text) {
  switch (vr) {
    case 'US': return length >= 2 ? String(view.getUint16(at, true)) : '';
    case 'SS': return length >= 2 ? String(view.getInt16(at, true)) : '';
    case 'UL': return length >= 4 ? String(view.getUint32(at, true)) : '';
    case 'SL': return length >= 4 ? String(view.getInt32(at, true)) : '';
    case 'OB': case 'OW': case 'UN': case 'SQ': return `(${length} bytes)`;
    default: return text(at, length).replace(/[\s\0]+$/, '').replace(/^\s+/, '');
  }
}

/** The first number of a multi-valued decimal string ("40\\400" -> 40), or the fallback. */
function firstNumber(value, fallback) {
  if (value === undefined) return fallback;
  const n = Number.parseFloat(String(value).split('\\')[0]);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * The first frame as modality values (stored values after rescale slope and intercept):
 * { width, height, values: Float32Array, min, max, window: { center, width } | null, inverted }.
 */
function dicomImage(buffer, parsed) {
  const f = (keyword) => {
    for (const field of parsed.fields.values()) if (field.keyword === keyword) return field.value;
    return undefined;
  };
  const width = firstNumber(f('Columns'), 0);
  const height = firstNumber(f('Rows'), 0);
  const samples = firstNumber(f('SamplesPerPixel'), 1);
  const photometric = (f('PhotometricInterpretation') ?? 'MONOCHROME2').trim();
  const bitsAllocated = firstNumber(f('BitsAllocated'), 0);
  const bitsStored = firstNumber(f('BitsStored'), bitsAllocated);
  const highBit = firstNumber(f('HighBit'), bitsStored - 1);
  const signed = firstNumber(f('PixelRepresentation'), 0) === 1;
  const slope = firstNumber(f('RescaleSlope'), 1);
  const intercept = firstNumber(f('RescaleIntercept'), 0);

  if (parsed.pixelOffset < 0) throw new DicomError('no pixel data');
  if (width < 1 || height < 1) throw new DicomError('no Rows/Columns in the header');
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) throw new DicomError(`${photometric} with ${samples} samples per pixel: the console shows monochrome images only`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new DicomError(`${bitsAllocated} bits allocated: the console shows 8- and 16-bit images only`);
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit >= bitsAllocated || highBit < bitsStored - 1) throw new DicomError(`inconsistent bits stored ${bitsStored}, high bit ${highBit}`);

  const count = width * height;
  const bytesPerSample = bitsAllocated / 8;
  if (parsed.pixelLength < count * bytesPerSample) throw new DicomError(`pixel data holds ${parsed.pixelLength} bytes, ${count * bytesPerSample} needed for ${width}x${height}`);

  const view = new DataView(buffer, parsed.pixelOffset, count * bytesPerSample);
  const shift = highBit - bitsStored + 1;
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  const values = new Float32Array(count);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const raw = bytesPerSample === 1 ? view.getUint8(i) : view.getUint16(2 * i, true);
    let stored = (raw >>> shift) & mask;
    if (signed && (stored & signBit) !== 0) stored -= mask + 1;
    const value = stored * slope + intercept;
    values[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const centre = firstNumber(f('WindowCenter'), NaN);
  const windowWidth = firstNumber(f('WindowWidth'), NaN);
  const window = Number.isFinite(centre) && Number.isFinite(windowWidth) && windowWidth >= 1 ? { center: centre, width: windowWidth } : null;
  return { width, height, values, min, max, window, inverted: photometric === 'MONOCHROME1' };
}

/** The window of an image without one in its header: its whole range of values. */
function fullRangeWindow(image) {
  return { center: (image.min + image.max) / 2, width: Math.max(1, image.max - image.min + 1) };
}

/**
 * Grey levels 0..255 under a linear VOI window (DICOM PS3.3 C.11.2.1.2.1): below c - 0.5 - (w-1)/2
 * black, above c - 0.5 + (w-1)/2 white, linear in between. MONOCHROME1 is inverted.
 */
function applyWindow(image, window, grey) {
  const { center: c, width: w } = window;
  const low = c - 0.5 - (w - 1) / 2;
  const high = c - 0.5 + (w - 1) / 2;
  const { values } = image;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let y;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
    grey[i] = image.inverted ? 255 - y : y;
  }
  return grey;
}
