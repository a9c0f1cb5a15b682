// Greedy continuations through llama.cpp's penalties sampler, as golden data for Corral's tests.
// Input (stdin), one case per line: last_n repeat freq present max_new n_prompt id_1 ... id_n
// Output (stdout): a JSON object {"llama_cpp_commit", "model", "kv_cache", "cases": [...]}.
// Usage: penalty_golden MODEL.gguf COMMIT MODEL_LABEL < cases.txt > out.json
#include "llama.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

// Keep stdout clean for the JSON: drop llama.cpp's log lines unless they are errors.
static void quiet_log(enum ggml_log_level level, const char * text, void * /*user*/) {
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

struct penalty_case {
    int last_n;
    float repeat, freq, present;
    int max_new;
    std::vector<llama_token> prompt;
};

static void die(const char * msg) {
    fprintf(stderr, "penalty_golden: %s\n", msg);
    exit(1);
}

int main(int argc, char ** argv) {
    if (argc < 4) {
        die("usage: penalty_golden MODEL.gguf COMMIT MODEL_LABEL < cases.txt");
    }
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();

    std::vector<penalty_case> cases;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        std::istringstream in(line);
        penalty_case c;
        int n = 0;
        if (!(in >> c.last_n >> c.repeat >> c.freq >> c.present >> c.max_new >> n)) die("bad case line");
        c.prompt.resize(n);
        for (int i = 0; i < n; i++) {
            if (!(in >> c.prompt[i])) die("short prompt in case line");
        }
        cases.push_back(c);
    }

    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;  // CPU only, like the reference run
    llama_model * model = llama_model_load_from_file(argv[1], mp);
    if (!model) die("cannot load model");

    printf("{\"llama_cpp_commit\": \"%s\", \"model\": \"%s\", \"kv_cache\": \"f32\", \"cases\": [", argv[2], argv[3]);

    for (size_t ci = 0; ci < cases.size(); ci++) {
        const penalty_case & c = cases[ci];

        llama_context_params cp = llama_context_default_params();
        cp.n_ctx = 256;
        cp.n_batch = 256;
        cp.n_ubatch = 256;
        cp.n_threads = 1;
        cp.n_threads_batch = 1;
        cp.type_k = GGML_TYPE_F32;  // the default F16 cache moves logits enough to matter on this model
        cp.type_v = GGML_TYPE_F32;
        cp.flash_attn = false;
        cp.no_perf = true;
        // A fresh context per case so no KV state leaks between cases.
        llama_context * ctx = llama_init_from_model(model, cp);
        if (!ctx) die("cannot create context");

        // The library clamps -1 to 0 (disabled); llama-cli first replaces -1 with n_ctx, so do the same here.
        const int passed_last_n = c.last_n == -1 ? (int) llama_n_ctx(ctx) : c.last_n;

        llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
        llama_sampler_chain_add(chain, llama_sampler_init_penalties(passed_last_n, c.repeat, c.freq, c.present));
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());

        // llama-cli feeds every prompt token (BOS included) to the sampler, so the prompt counts as seen.
        for (llama_token t : c.prompt) {
            llama_sampler_accept(chain, t);
        }

        std::vector<llama_token> prompt = c.prompt;
        if (llama_decode(ctx, llama_batch_get_one(prompt.data(), (int32_t) prompt.size())) != 0) die("prompt decode failed");

        const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
        std::vector<llama_token> out;
        float min_margin = 1e30f;
        for (int i = 0; i < c.max_new; i++) {
            // Apply the chain to a copy first (apply does not change sampler state) to measure the top-1/top-2 gap.
            const float * logits = llama_get_logits_ith(ctx, -1);
            std::vector<llama_token_data> cur(n_vocab);
            for (int v = 0; v < n_vocab; v++) cur[v] = llama_token_data{v, logits[v], 0.0f};
            llama_token_data_array arr = {cur.data(), cur.size(), -1, false};
            llama_sampler_apply(chain, &arr);
            float best = -1e30f, second = -1e30f;
            for (const auto & d : cur) {
                if (d.logit > best) { second = best; best = d.logit; } else if (d.logit > second) { second = d.logit; }
            }
            if (best - second < min_margin) min_margin = best - second;
            llama_token t = llama_sampler_sample(chain, ctx, -1);  // applies the chain and accepts t
            out.push_back(t);
            if (i + 1 == c.max_new) break;  // the last token needs no forward pass
            if (llama_decode(ctx, llama_batch_get_one(&t, 1)) != 0) die("token decode failed");
        }

        printf("%s\n  {\"prompt_ids\": [", ci ? "," : "");
        for (size_t i = 0; i < c.prompt.size(); i++) printf("%s%d", i ? ", " : "", c.prompt[i]);
        printf("], \"penalty_last_n\": %d, \"penalty_last_n_passed\": %d, \"penalty_repeat\": %g, \"penalty_freq\": %g, "
               "\"penalty_present\": %g, \"max_new_tokens\": %d, \"min_logit_margin\": %.4f, \"continuation\": [",
               c.last_n, passed_last_n, c.repeat, c.freq, c.present, c.max_new, min_margin);
        for (size_t i = 0; i < out.size(); i++) printf("%s%d", i ? ", " : "", out[i]);
        printf("]}");

        llama_sampler_free(chain);
        llama_free(ctx);
    }
    printf("\n]}\n");

    llama_model_free(model);
    llama_backend_free();
    return 0;
}
