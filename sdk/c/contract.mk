# contract.mk — make rules for hybridvm RISC-V contracts written with the C SDK.
#
# Include it from a Makefile, then instantiate one contract per line:
#
#   include path/to/sdk/c/contract.mk
#   $(eval $(call hv_contract,NAME,DIR,RUNTIME_SOURCES,CONSTRUCTOR_SOURCES))
#
# which gives three files in DIR:
#   NAME.runtime.elf  the contract code (what the account holds, after a 0xFF byte)
#   NAME.deploy.elf   the deploy ELF: runs CONSTRUCTOR_SOURCES' hv_constructor, then
#                     returns 0xFF ‖ NAME.runtime.elf (sdk/c/deploy.c, deploy_blob.S)
#   NAME.initcode     0xFF ‖ u32be(1+len) ‖ 0xFF ‖ NAME.deploy.elf (CREATE input), made
#                     by `hybridvm initcode` ($(HV_CLI), built by the including Makefile)
#
# Sources are given relative to the including Makefile's directory.

HV_SDK := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
RV_CC ?= riscv64-unknown-elf-gcc

# -mcmodel=medany: code and data live at 0x8030_0000, above 2 GiB, which the default
#   medlow model (absolute lui addresses) cannot reach.
# -msmall-data-limit=0: no .sdata, so no gp-relative addressing and no gp set-up.
# -Os, --gc-sections, -s, max-page-size=16: every runtime byte costs code-deposit gas.
HV_CFLAGS := -march=rv64imac -mabi=lp64 -mcmodel=medany -Os -std=c11 \
	-ffreestanding -nostdlib -nostartfiles -static -fno-pic \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -msmall-data-limit=0 \
	-ffunction-sections -fdata-sections -Wall -Wextra -Werror -I$(HV_SDK)
HV_LDFLAGS := -Wl,-T,$(HV_SDK)/contract.ld -Wl,--gc-sections -Wl,-z,max-page-size=16 \
	-Wl,--build-id=none -Wl,-s -lgcc
HV_SDK_DEPS := $(HV_SDK)/hybridvm.h $(HV_SDK)/crt0.S $(HV_SDK)/libc.c $(HV_SDK)/contract.ld

# Mock builds (sdk/c/mock/harness.c): the contract linked with a mock host into a
# program qemu-riscv64-static can run, for testing contract logic without hybridvm.
HV_MOCK_SRCS := $(HV_SDK)/mock/harness.c $(HV_SDK)/mock/trampoline.S $(HV_SDK)/mock/keccak.c $(HV_SDK)/libc.c
HV_MOCK_LDFLAGS := -Wl,-T,$(HV_SDK)/contract.ld -Wl,--gc-sections -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -lgcc

# $(call hv_contract,NAME,DIR,RUNTIME_SOURCES,CONSTRUCTOR_SOURCES)
define hv_contract
$(2)/$(1).runtime.elf: $(3) $$(HV_SDK_DEPS)
	$$(RV_CC) $$(HV_CFLAGS) -o $$@ $$(HV_SDK)/crt0.S $(3) $$(HV_SDK)/libc.c $$(HV_LDFLAGS)

$(2)/$(1).deploy.elf: $(2)/$(1).runtime.elf $(4) $$(HV_SDK_DEPS) $$(HV_SDK)/deploy.c $$(HV_SDK)/deploy_blob.S
	$$(RV_CC) $$(HV_CFLAGS) -DHV_RUNTIME_ELF='"$(2)/$(1).runtime.elf"' -o $$@ \
		$$(HV_SDK)/crt0.S $$(HV_SDK)/deploy.c $$(HV_SDK)/deploy_blob.S $(4) $$(HV_SDK)/libc.c $$(HV_LDFLAGS)

$(2)/$(1).initcode: $(2)/$(1).deploy.elf | $$(HV_CLI)
	$$(HV_CLI) initcode -o $$@ $$<

HV_ARTIFACTS += $(2)/$(1).runtime.elf $(2)/$(1).deploy.elf $(2)/$(1).initcode

.bin/mock/$(1).elf: $(3) $(4) $$(HV_SDK_DEPS) $$(HV_MOCK_SRCS)
	@mkdir -p .bin/mock
	$$(RV_CC) $$(HV_CFLAGS) -DHV_MOCK -o $$@ $$(sort $(3) $(4)) $$(HV_MOCK_SRCS) $$(HV_MOCK_LDFLAGS)

HV_MOCKS += .bin/mock/$(1).elf
endef
