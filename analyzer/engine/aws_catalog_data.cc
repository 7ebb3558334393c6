// Embeds data/aws/actions.tsv into the binary (GRANTPATH_AWS_CATALOG is
// the file's absolute path, set by CMake).
#define GP_STR2(x) #x
#define GP_STR(x) GP_STR2(x)

__asm__(".section .rodata\n"
        ".global grantpath_aws_catalog_begin\n"
        "grantpath_aws_catalog_begin:\n"
        ".incbin \"" GP_STR(GRANTPATH_AWS_CATALOG) "\"\n"
        ".global grantpath_aws_catalog_end\n"
        "grantpath_aws_catalog_end:\n"
        ".byte 0\n"
        ".previous\n");
