/* SIGINT and SIGTERM stop `cocob train` cleanly: the handler only notes the
 * signal, the training loop asks after each step (should_stop), saves and
 * returns, and the command says how to resume. */
#include <signal.h>
#include <string.h>

#include "cli.h"

static const int stop_signals[] = {SIGINT, SIGTERM};
enum { STOP_SIGNALS = sizeof stop_signals / sizeof *stop_signals };
static struct sigaction before[STOP_SIGNALS];
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
    /* A second signal while the run saves and stops is not swallowed: it
     * meets what the process had before, which for most kills it. */
    for (int i = 0; i < STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &before[i], NULL);
}

void cli_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    /* A device driver's threads may be in a system call when it lands. */
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < STOP_SIGNALS; i++) {
        /* A signal ignored on entry, as a background job's SIGINT is, stays
         * ignored: the shell meant Ctrl-C for another job. */
        if (sigaction(stop_signals[i], NULL, &before[i]) == 0 && before[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
    }
}

int cli_stop_signal(void)
{
    return caught;
}

/* One word of a shell command line, quoted only when it needs it. */
static void print_word(FILE *out, const char *w)
{
    if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "_@%+=:,./-") == strlen(w)) {
        fputs(w, out);
        return;
    }
    fputc('\'', out);
    for (; *w; w++) {
        if (*w == '\'')
            fputs("'\\''", out);
        else
            fputc(*w, out);
    }
    fputc('\'', out);
}

void cli_print_resume(FILE *out, const cli_common *common, const char *checkpoint)
{
    for (int i = 0; i < common->argc; i++) {
        if (i > 0 && strcmp(common->argv[i], "--resume") == 0 && i + 1 < common->argc) {
            i++;
            continue;
        }
        print_word(out, common->argv[i]);
        fputc(' ', out);
    }
    fputs("--resume ", out);
    print_word(out, checkpoint);
    fputc('\n', out);
}
