// The layouts live in include/sprite_bpf.h; this file only gives the target a translation unit.
#include "sprite_bpf.h"
