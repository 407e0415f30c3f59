/* SPDX-License-Identifier: ISC */
/* test_rtc.c: decoding of CMOS RTC registers (runtime/x86_64/rtc.c). */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "../../runtime/x86_64/rtc.c"

#define B_24H	RTC_B_24H
#define B_BIN	RTC_B_BINARY

static struct rtc_time
regs(uint8_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s,
    uint8_t cent, uint8_t status_b)
{
	struct rtc_time rt;

	memset(&rt, 0, sizeof(rt));
	rt.year = y;
	rt.mon = mo;
	rt.mday = d;
	rt.hour = h;
	rt.min = mi;
	rt.sec = s;
	rt.century = cent;
	rt.status_b = status_b;
	return rt;
}

TEST(bcd_24h)
{
	struct rtc_time rt = regs(0x24, 0x02, 0x29, 0x12, 0x34, 0x56, 0x20, B_24H);

	EXPECT_EQ(rtc_to_unix(&rt), 1709210096);
}

TEST(binary_24h)
{
	struct rtc_time rt = regs(24, 2, 29, 12, 34, 56, 20, B_24H | B_BIN);

	EXPECT_EQ(rtc_to_unix(&rt), 1709210096);
}

TEST(twelve_hour_mode)
{
	struct rtc_time rt;

	rt = regs(0x24, 0x02, 0x29, 0x12 | 0x80, 0x34, 0x56, 0x20, 0); /* 12 PM */
	EXPECT_EQ(rtc_to_unix(&rt), 1709210096);
	rt = regs(0x24, 0x02, 0x29, 0x12, 0x34, 0x56, 0x20, 0);	/* 12 AM */
	EXPECT_EQ(rtc_to_unix(&rt), 1709166896);
	rt = regs(24, 2, 29, 1 | 0x80, 0, 0, 20, B_BIN);		/* 1 PM */
	EXPECT_EQ(rtc_to_unix(&rt), 1709211600);
	rt = regs(24, 2, 29, 0, 0, 0, 20, B_BIN);			/* hour 0 */
	EXPECT_EQ(rtc_to_unix(&rt), -1);
}

TEST(century)
{
	struct rtc_time rt;

	rt = regs(0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0x19, B_24H);
	EXPECT_EQ(rtc_to_unix(&rt), 946684799);
	rt = regs(0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x21, B_24H);
	EXPECT_EQ(rtc_to_unix(&rt), 4107542400LL);
	/* no century register: 70-99 -> 19xx, else 20xx */
	rt = regs(0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0x00, B_24H);
	EXPECT_EQ(rtc_to_unix(&rt), 946684799);
	rt = regs(0x24, 0x02, 0x29, 0x12, 0x34, 0x56, 0xff, B_24H);
	EXPECT_EQ(rtc_to_unix(&rt), 1709210096);
	rt = regs(0x70, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, B_24H);
	EXPECT_EQ(rtc_to_unix(&rt), 0);
}

TEST(garbage_is_rejected)
{
	struct rtc_time rt;

	rt = regs(0x24, 0x13, 0x01, 0x00, 0x00, 0x00, 0x20, B_24H);	/* month 13 */
	EXPECT_EQ(rtc_to_unix(&rt), -1);
	rt = regs(0x24, 0x1a, 0x01, 0x00, 0x00, 0x00, 0x20, B_24H);	/* bad BCD */
	EXPECT_EQ(rtc_to_unix(&rt), -1);
	rt = regs(24, 1, 1, 24, 0, 0, 20, B_24H | B_BIN);		/* hour 24 */
	EXPECT_EQ(rtc_to_unix(&rt), -1);
	rt = regs(24, 1, 0, 0, 0, 0, 20, B_24H | B_BIN);		/* day 0 */
	EXPECT_EQ(rtc_to_unix(&rt), -1);
	rt = regs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	EXPECT_EQ(rtc_to_unix(&rt), -1);
}
