// Walks the records of a batch without decoding them into objects: for each record, where it lies in
// the records section and the few fields the cleaner needs (offset delta, timestamp delta, key, whether
// the value is null). The cleaner looks at every record of a compacted log, so this path allocates
// nothing per record: one view object is filled in and handed to the visitor each time.
import { type ByteCursor, takeVarint, takeVarlongNumber } from '../../protocol/primitives/varint.ts';

export interface RecordView {
  /** Position of the record's length prefix in the records section. */
  start: number;
  /** Position after the record. */
  end: number;
  /** Position of the timestamp delta, right after the attributes byte. */
  timestampDeltaStart: number;
  /** Position after the timestamp delta (where the offset delta starts). */
  timestampDeltaEnd: number;
  timestampDelta: number;
  offsetDelta: number;
  /** Position of the key bytes; -1 for a null key. */
  keyStart: number;
  keyEnd: number;
  valueIsNull: boolean;
}

/**
 * Calls `visit` for each of the `count` records filling `data` (an uncompressed records section). Throws
 * RangeError on records that do not parse; the batch CRC makes that a bug or a corrupt file.
 */
export function scanRecords(data: Buffer, count: number, visit: (record: RecordView) => void): void {
  const view: RecordView = {
    start: 0,
    end: 0,
    timestampDeltaStart: 0,
    timestampDeltaEnd: 0,
    timestampDelta: 0,
    offsetDelta: 0,
    keyStart: -1,
    keyEnd: -1,
    valueIsNull: false,
  };
  const cursor: ByteCursor = { pos: 0, end: data.length };
  for (let i = 0; i < count; i++) {
    view.start = cursor.pos;
    const bodySize = takeVarint(data, cursor);
    const end = cursor.pos + bodySize;
    if (bodySize <= 0 || end > data.length) throw new RangeError(`record ${i} overruns its batch`);
    const body: ByteCursor = { pos: cursor.pos + 1, end };
    view.timestampDeltaStart = body.pos;
    view.timestampDelta = takeVarlongNumber(data, body);
    view.timestampDeltaEnd = body.pos;
    view.offsetDelta = takeVarint(data, body);
    const keyLength = takeVarint(data, body);
    if (keyLength >= 0) {
      view.keyStart = body.pos;
      view.keyEnd = body.pos + keyLength;
      if (view.keyEnd > end) throw new RangeError(`record ${i}: key overruns the record`);
      body.pos = view.keyEnd;
    } else {
      view.keyStart = -1;
      view.keyEnd = -1;
    }
    view.valueIsNull = takeVarint(data, body) < 0;
    view.end = end;
    cursor.pos = end;
    visit(view);
  }
  if (cursor.pos !== data.length) throw new RangeError('records do not fill their batch');
}
