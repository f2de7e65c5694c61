/* The smallest WASI command: wasi-libc's start code and a main that
 * returns, so the module imports proc_exit alone. Linked to a stand-in
 * layer in crates/lamina/tests/wasi.rs (sandbox_confines_the_layer). */
int main(void)
{
    return 0;
}
