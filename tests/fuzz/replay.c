/*
 * replay - a plain main() for any libFuzzer target: feeds every file named
 * on the command line, or every regular file of a directory named there,
 * to LLVMFuzzerTestOneInput() once.  It lets make check run each fuzz
 * corpus without clang; a crash or an abort() in the target fails the test.
 * Link it with one fuzz_*.c and the sources that target needs.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs past this are not fuzz inputs; refuse them instead of guessing. */
#define REPLAY_MAX (16u * 1024 * 1024)

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t len;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    buf = malloc(REPLAY_MAX);
    if (buf == NULL) {
        fclose(f);
        return -1;
    }
    len = fread(buf, 1, REPLAY_MAX, f);
    if (ferror(f) || !feof(f)) {
        fprintf(stderr, "%s: read error or larger than %u bytes\n", path, REPLAY_MAX);
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    /* An exact-size copy, so ASan sees a read past the end of the input. */
    {
        uint8_t *in = malloc(len ? len : 1);
        if (in == NULL) {
            free(buf);
            return -1;
        }
        memcpy(in, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(in, len);
        free(in);
    }
    return 0;
}

static int run_dir(const char *dir, unsigned *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (d == NULL) {
        perror(dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (run_file(path) < 0)
            rc = -1;
        else
            (*count)++;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    int i, rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc |= run_dir(argv[i], &count) < 0;
        else if (run_file(argv[i]) < 0)
            rc = 1;
        else
            count++;
    }
    printf("replayed %u input(s)\n", count);
    if (count == 0)
        rc = 1; /* an empty corpus tests nothing */
    return rc;
}
