/* SPDX-License-Identifier: ISC */
/*
 * signal.h: OpenBSD/amd64 signals, the one signal ABI of a vmgo image
 * (docs/go-openbsd-abi.md §6).  A full replacement for musl's <signal.h>:
 * numbers, sigset_t (32 bits), struct sigaction (16 bytes), stack_t
 * (sp, size, flags), siginfo_t (136 bytes) and struct sigcontext differ.
 */
#ifndef VMGO_LIBC_SIGNAL_H
#define VMGO_LIBC_SIGNAL_H

#define __NEED_size_t
#define __NEED_pid_t
#define __NEED_uid_t
#define __NEED_time_t
#define __NEED_struct_timespec
#define __NEED_pthread_t
#define __NEED_sigset_t
#include <bits/alltypes.h>

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGIOT		SIGABRT
#define SIGEMT		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGBUS		10
#define SIGSEGV		11
#define SIGSYS		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGURG		16
#define SIGSTOP		17
#define SIGTSTP		18
#define SIGCONT		19
#define SIGCHLD		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGIO		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGINFO		29
#define SIGUSR1		30
#define SIGUSR2		31
#define SIGTHR		32
#define NSIG		33
#define _NSIG		NSIG

#define SIG_DFL		((void (*)(int))0)
#define SIG_IGN		((void (*)(int))1)
#define SIG_ERR		((void (*)(int))-1)

#define SIG_BLOCK	1
#define SIG_UNBLOCK	2
#define SIG_SETMASK	3

#define SA_ONSTACK	0x0001
#define SA_RESTART	0x0002
#define SA_RESETHAND	0x0004
#define SA_NODEFER	0x0010
#define SA_NOCLDWAIT	0x0020
#define SA_NOCLDSTOP	0x0008
#define SA_SIGINFO	0x0040

#define SS_ONSTACK	0x0001
#define SS_DISABLE	0x0004
#define MINSIGSTKSZ	(3U << 12)
#define SIGSTKSZ	(MINSIGSTKSZ + (1U << 12) * 4)

#define SI_USER		0
#define SI_LWP		(-1)
#define SI_QUEUE	(-2)
#define SI_TIMER	(-3)
#define ILL_ILLOPC	1
#define FPE_INTDIV	1
#define FPE_INTOVF	2
#define FPE_FLTDIV	3
#define FPE_FLTOVF	4
#define FPE_FLTUND	5
#define FPE_FLTRES	6
#define FPE_FLTINV	7
#define FPE_FLTSUB	8
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define BUS_OBJERR	3
#define TRAP_BRKPT	1
#define TRAP_TRACE	2

typedef int sig_atomic_t;

union sigval {
	int	sival_int;
	void	*sival_ptr;
};

/* 136 bytes; Go reads si_signo, si_code and si_addr (§6.5). */
typedef struct {
	int	si_signo;
	int	si_code;
	int	si_errno;
	int	__pad0;
	union {
		int	__pad[29];
		struct {
			pid_t	_pid;
			uid_t	_uid;
			union sigval _value;
		} _kill;
		struct {
			void	*_addr;
			int	_trapno;
		} _fault;
	} _data;
} siginfo_t;
#define si_pid		_data._kill._pid
#define si_uid		_data._kill._uid
#define si_value	_data._kill._value
#define si_addr		_data._fault._addr
#define si_trapno	_data._fault._trapno

/* 16 bytes (§6.2). */
struct sigaction {
	union {
		void	(*__sa_handler)(int);
		void	(*__sa_sigaction)(int, siginfo_t *, void *);
	} __sigaction_u;
	sigset_t	sa_mask;
	int		sa_flags;
};
#define sa_handler	__sigaction_u.__sa_handler
#define sa_sigaction	__sigaction_u.__sa_sigaction

/* 24 bytes: sp, size, flags (§6.4; Linux orders flags before size). */
typedef struct sigaltstack {
	void	*ss_sp;
	size_t	ss_size;
	int	ss_flags;
} stack_t;

/* OpenBSD amd64 struct sigcontext (§6.6). */
struct sigcontext {
	long	sc_rdi, sc_rsi, sc_rdx, sc_rcx, sc_r8, sc_r9, sc_r10, sc_r11;
	long	sc_r12, sc_r13, sc_r14, sc_r15, sc_rbp, sc_rbx, sc_rax;
	long	sc_gs, sc_fs, sc_es, sc_ds, sc_trapno, sc_err;
	long	sc_rip, sc_cs, sc_rflags, sc_rsp, sc_ss;
	void	*sc_fpstate;		/* struct fxsave64 *, or NULL */
	int	__sc_unused;
	int	sc_mask;
	long	sc_cookie;
};
typedef struct sigcontext ucontext_t;

#define sigmask(n)	(1U << ((n) - 1))

int	sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int	sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int	pthread_sigmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int	sigaltstack(const stack_t *__restrict, stack_t *__restrict);
int	sigemptyset(sigset_t *);
int	sigfillset(sigset_t *);
int	sigaddset(sigset_t *, int);
int	sigdelset(sigset_t *, int);
int	sigismember(const sigset_t *, int);
int	sigpending(sigset_t *);
int	sigsuspend(const sigset_t *);
int	kill(pid_t, int);
int	raise(int);
int	pthread_kill(pthread_t, int);
int	thrkill(pid_t, int, void *);
void	(*signal(int, void (*)(int)))(int);

#endif
