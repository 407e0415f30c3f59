/* SPDX-License-Identifier: ISC */
/*
 * rtc.c: the CMOS real-time clock (Motorola MC146818 and compatibles), read
 * once at boot for the wall clock.  Register numbers and status bits are
 * the MC146818A data sheet's; the century byte at 0x32 is the ACPI FADT
 * CENTURY default (ACPI 6.4 §5.2.9), which QEMU and PC firmware use.
 */
#include "kernel.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_MDAY	0x07
#define RTC_MON		0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_CENTURY	0x32

#define RTC_A_UIP	0x80	/* update in progress: registers unstable */
#define RTC_B_24H	0x02	/* hours 0-23 (else 1-12, bit 7 = PM) */
#define RTC_B_BINARY	0x04	/* binary (else BCD) data mode */
#define RTC_HOUR_PM	0x80

static uint8_t
cmos_read(uint8_t reg)
{
	/* Bit 7 of the index port is the NMI mask: leave NMIs enabled. */
	outb(CMOS_INDEX, reg & 0x7f);
	return inb(CMOS_DATA);
}

static void
read_once(struct rtc_time *rt)
{
	unsigned int spins = 0;

	/* UIP is set 244 us before an update starts (MC146818A §"UIP"). */
	while ((cmos_read(RTC_STATUS_A) & RTC_A_UIP) && spins < 1000000)
		spins++;
	rt->sec = cmos_read(RTC_SEC);
	rt->min = cmos_read(RTC_MIN);
	rt->hour = cmos_read(RTC_HOUR);
	rt->mday = cmos_read(RTC_MDAY);
	rt->mon = cmos_read(RTC_MON);
	rt->year = cmos_read(RTC_YEAR);
	rt->century = cmos_read(RTC_CENTURY);
	rt->status_b = cmos_read(RTC_STATUS_B);
}

/*
 * Read the time registers.  An update can still start between the UIP
 * check and the last read, so read until two passes agree.  Boot context;
 * takes at most a few milliseconds.
 */
void
rtc_read(struct rtc_time *rt)
{
	struct rtc_time again;
	int tries;

	read_once(rt);
	for (tries = 0; tries < 10; tries++) {
		read_once(&again);
		if (memcmp(&again, rt, sizeof(again)) == 0)
			return;
		*rt = again;
	}
}

static int
decode(uint8_t v, bool binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * Seconds since the epoch for the registers in rt, decoding BCD or binary
 * and 12- or 24-hour mode as status register B says.  The RTC keeps local
 * time or UTC as its owner chose; QEMU's default (-rtc base=utc) is UTC,
 * which is what this assumes.  A century byte that does not decode to
 * 19-29 is ignored (years 70-99 are then 19xx, others 20xx).  Returns -1
 * if a field is out of range.  Pure; any context.
 */
int64_t
rtc_to_unix(const struct rtc_time *rt)
{
	bool bin = (rt->status_b & RTC_B_BINARY) != 0;
	int sec, min, hour, mday, mon, year, cent;
	bool pm = false;

	sec = decode(rt->sec, bin);
	min = decode(rt->min, bin);
	if (!(rt->status_b & RTC_B_24H)) {
		pm = (rt->hour & RTC_HOUR_PM) != 0;
		hour = decode(rt->hour & ~RTC_HOUR_PM, bin);
		if (hour < 1 || hour > 12)
			return -1;
		hour = hour % 12 + (pm ? 12 : 0);
	} else
		hour = decode(rt->hour, bin);
	mday = decode(rt->mday, bin);
	mon = decode(rt->mon, bin);
	year = decode(rt->year, bin);
	cent = decode(rt->century, bin);
	if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 ||
	    hour > 23 || mday < 1 || mday > 31 || mon < 1 || mon > 12 ||
	    year < 0 || year > 99)
		return -1;
	if (cent < 19 || cent > 29)
		cent = year >= 70 ? 19 : 20;
	return days_from_civil(cent * 100 + year, mon, mday) * 86400 +
	    hour * 3600 + min * 60 + sec;
}
