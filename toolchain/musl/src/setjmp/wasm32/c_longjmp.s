# The exception tag longjmp throws and setjmp's callers catch; its payload
# is a pointer to {jmp_buf, value}.
	.globl __c_longjmp
	.tagtype __c_longjmp i32
__c_longjmp:
