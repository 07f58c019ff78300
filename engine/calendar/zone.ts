/**
 * The Asia/Ho_Chi_Minh zone for luxon, fast.
 *
 * luxon asks the zone for its offset every time it builds a DateTime; the IANA zone answers
 * through Intl (≈ 110,000 DateTimes/s here), which would make the calendar's DateTime API ten
 * times slower than its arithmetic. Vietnam has been on UTC+7 without daylight saving since
 * 13 June 1975, so from then on the offset is a constant; earlier instants are delegated to the
 * IANA database. The zone reports itself as the IANA zone "Asia/Ho_Chi_Minh" and is `equals` to
 * it, so DateTimes built with it format, compare and convert exactly like IANA ones.
 */
import { IANAZone, Zone } from 'luxon';
import type { ZoneOffsetFormat, ZoneOffsetOptions } from 'luxon';
import { VN_ZONE } from './days.ts';

const IANA = IANAZone.create(VN_ZONE);
/** 1975-06-13T00:00+07:00: since then Vietnam keeps UTC+7. */
const FIXED_OFFSET_SINCE_MS = Date.UTC(1975, 5, 12, 17, 0, 0);
const OFFSET_MINUTES = 420;

class VietnamZone extends Zone {
  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return VN_ZONE;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): true {
    return true;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return IANA.offsetName(ts, options) ?? VN_ZONE;
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return IANA.formatOffset(ts, format);
  }
  override offset(ts: number): number {
    return ts >= FIXED_OFFSET_SINCE_MS ? OFFSET_MINUTES : IANA.offset(ts);
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === VN_ZONE;
  }
}

/** The shared zone instance every calendar DateTime is built with. */
export const VIETNAM_ZONE: Zone = new VietnamZone();
