/* SPDX-License-Identifier: ISC */
/*
 * sysctl.c: OpenBSD's sysctl(2), answering the MIBs Go queries
 * (docs/go-openbsd-abi.md §1.4): hw.ncpuonline and hw.ncpu (GOMAXPROCS),
 * hw.pagesize (fatal if missing), kern.somaxconn (listen backlog),
 * kern.hostname (os.Hostname), plus a few cheap informational ones.
 * Everything else fails the way OpenBSD fails for a name it lacks:
 * EOPNOTSUPP.  The routing-table dump of the interfaces (net.Interfaces)
 * comes from net/route.c.
 *
 * Sizes follow OpenBSD's sysctl_rdint/sysctl__string (kern/kern_sysctl.c):
 * oldp == NULL asks for the size only; a too small buffer is ENOMEM, except
 * kern.hostname, which is truncated (still NUL-terminated); a value passed
 * in newp is refused with EPERM (nothing here is settable).
 */
#include <sys/sysctl.h>
#include <sys/time.h>

#include "kernel.h"
#include "../../net/socket.h"

#define SYSCTL_OSTYPE		"vmgo"
#define SYSCTL_OSRELEASE	"0.1"
#define SYSCTL_VERSION		"vmgo 0.1 (Go openbsd/amd64 ABI)"
#define SYSCTL_HOSTNAME		"vmgo"	/* when vmgo.hostname= is not given */
#define SYSCTL_SOMAXCONN	128	/* OpenBSD's default SOMAXCONN */
#define SYSCTL_BYTEORDER	1234	/* little endian */
#define SYSCTL_PF_ROUTE		17	/* AF_ROUTE (docs/go-openbsd-abi.md §8.1) */

/* A fixed-size value of len bytes: ENOMEM if oldp's buffer is smaller. */
static int
rd_fixed(void *oldp, size_t *oldlenp, const void *v, size_t len)
{
	if (oldp != NULL && *oldlenp < len)
		return -ENOMEM;
	*oldlenp = len;
	if (oldp != NULL)
		memcpy(oldp, v, len);
	return 0;
}

static int
rd_int(void *oldp, size_t *oldlenp, int v)
{
	return rd_fixed(oldp, oldlenp, &v, sizeof(v));
}

static int
rd_int64(void *oldp, size_t *oldlenp, int64_t v)
{
	return rd_fixed(oldp, oldlenp, &v, sizeof(v));
}

/*
 * A string with its NUL.  trunc: a short (non-empty) buffer gets the first
 * *oldlenp-1 bytes and a NUL instead of ENOMEM (OpenBSD sysctl_tstring).
 */
static int
rd_string(void *oldp, size_t *oldlenp, const char *s, bool trunc)
{
	size_t len = strlen(s) + 1;

	if (oldp != NULL && *oldlenp < len) {
		if (!trunc || *oldlenp == 0)
			return -ENOMEM;
		len = *oldlenp;
		memcpy(oldp, s, len - 1);
		((char *)oldp)[len - 1] = '\0';
		return 0;
	}
	*oldlenp = len;
	if (oldp != NULL)
		memcpy(oldp, s, len);
	return 0;
}

static int
online_cpus(void)
{
	return ncpus > 0 ? (int)ncpus : 1;
}

static const char *
hostname(void)
{
	const char *h = cmdline_vmgo(cmdline_boot(), "hostname");

	return h != NULL && *h != '\0' ? h : SYSCTL_HOSTNAME;
}

static int
kern_sysctl(int leaf, void *oldp, size_t *oldlenp)
{
	struct timeval tv;
	int64_t boot_ns;

	switch (leaf) {
	case KERN_OSTYPE:
		return rd_string(oldp, oldlenp, SYSCTL_OSTYPE, false);
	case KERN_OSRELEASE:
		return rd_string(oldp, oldlenp, SYSCTL_OSRELEASE, false);
	case KERN_VERSION:
		return rd_string(oldp, oldlenp, SYSCTL_VERSION, false);
	case KERN_HOSTNAME:
		return rd_string(oldp, oldlenp, hostname(), true);
	case KERN_SOMAXCONN:
		return rd_int(oldp, oldlenp, SYSCTL_SOMAXCONN);
	case KERN_BOOTTIME:
		boot_ns = time_realtime() - (int64_t)time_monotonic();
		tv.tv_sec = boot_ns / 1000000000;
		tv.tv_usec = (boot_ns % 1000000000) / 1000;
		return rd_fixed(oldp, oldlenp, &tv, sizeof(tv));
	default:
		return -EOPNOTSUPP;
	}
}

static int
hw_sysctl(int leaf, void *oldp, size_t *oldlenp)
{
	switch (leaf) {
	case HW_MACHINE:
		return rd_string(oldp, oldlenp, "amd64", false);
	case HW_NCPU:
	case HW_NCPUFOUND:
	case HW_NCPUONLINE:
		return rd_int(oldp, oldlenp, online_cpus());
	case HW_BYTEORDER:
		return rd_int(oldp, oldlenp, SYSCTL_BYTEORDER);
	case HW_PAGESIZE:
		return rd_int(oldp, oldlenp, (int)PAGE_SIZE);
	case HW_PHYSMEM64:
		return rd_int64(oldp, oldlenp,
		    (int64_t)page_total_count() * (int64_t)PAGE_SIZE);
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * sysctl(2): read the value named by name[0..namelen) into oldp
 * (*oldlenp bytes available; the size used or needed is stored back).
 * Returns 0, or -1 with errno EINVAL (bad name length), EFAULT (oldp
 * without oldlenp), ENOTDIR (a leaf used as a node), ENOMEM (buffer too
 * small), EPERM (newp given), EOPNOTSUPP (unknown name, or a routing
 * dump other than NET_RT_IFLIST).  Thread context; also called from
 * signal handlers (hw.*), so it takes no lock except cmdline_boot()'s on
 * the first kern.hostname (and the net core lock for NET_RT_IFLIST).
 */
int
sysctl(const int *name, unsigned int namelen, void *oldp, size_t *oldlenp,
    void *newp, size_t newlen)
{
	size_t nolen = 0;
	int r;

	if (namelen < 2 || namelen > CTL_MAXNAME)
		return ret_errno(-EINVAL);
	if (oldlenp == NULL) {
		if (oldp != NULL)
			return ret_errno(-EFAULT);
		oldlenp = &nolen;
	}

	switch (name[0]) {
	case CTL_KERN:
	case CTL_HW:
		if (namelen != 2) {
			r = -ENOTDIR;
			break;
		}
		if (newp != NULL) {
			r = -EPERM;
			break;
		}
		if (name[0] == CTL_KERN)
			r = kern_sysctl(name[1], oldp, oldlenp);
		else
			r = hw_sysctl(name[1], oldp, oldlenp);
		break;
	case CTL_NET:
		/* {CTL_NET, PF_ROUTE, 0, af, NET_RT_*, arg}: net/route.c */
		if (name[1] != SYSCTL_PF_ROUTE)
			r = -EOPNOTSUPP;
		else if (newp != NULL)
			r = -EPERM;
		else
			r = route_sysctl(name + 2, namelen - 2, oldp, oldlenp);
		break;
	default:
		r = -EOPNOTSUPP;
		break;
	}
	return (int)ret_errno(r);
}
